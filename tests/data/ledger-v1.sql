-- A ledger made by duchá's first release (schema version 1, commit dc67376): units (one
-- renamed), two items with progress, a close, a cancel and a setting; events without hashes.
BEGIN TRANSACTION;
CREATE TABLE accountability (
	id INTEGER NOT NULL, 
	subject_table VARCHAR(16) NOT NULL, 
	subject_id INTEGER NOT NULL, 
	who VARCHAR NOT NULL, 
	measure VARCHAR NOT NULL, 
	basis VARCHAR NOT NULL, 
	"on" DATE NOT NULL, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE calendar_override (
	day DATE NOT NULL, 
	workday BOOLEAN NOT NULL, 
	note VARCHAR, 
	PRIMARY KEY (day)
);
CREATE TABLE ducha_meta (
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO "ducha_meta" VALUES('application_id','duchá ledger');
INSERT INTO "ducha_meta" VALUES('schema_version','1');
CREATE TABLE event (
	id INTEGER NOT NULL, 
	at VARCHAR(32) NOT NULL, 
	"on" DATE, 
	actor VARCHAR NOT NULL, 
	action VARCHAR NOT NULL, 
	subject_table VARCHAR NOT NULL, 
	subject VARCHAR NOT NULL, 
	"before" VARCHAR, 
	"after" VARCHAR, 
	prev_hash VARCHAR, 
	hash VARCHAR, 
	PRIMARY KEY (id)
);
INSERT INTO "event" VALUES(1,'2026-11-28T12:50:46.801110+00:00','2026-06-01','clerk','add','unit','kongtong',NULL,'{"code": "kongtong", "kind": "county", "name": "平凉市崆峒区人民政府", "parent_id": null}',NULL,NULL);
INSERT INTO "event" VALUES(2,'2026-11-28T12:50:47.602559+00:00','2026-06-01','clerk','add','unit','fgw',NULL,'{"code": "fgw", "kind": "department", "name": "平凉市发展和改革委员会", "parent_id": null}',NULL,NULL);
INSERT INTO "event" VALUES(3,'2026-11-28T12:50:48.347190+00:00','2026-06-01','clerk','add','unit','jyj',NULL,'{"code": "jyj", "kind": "other", "name": "平凉市教育局", "parent_id": null}',NULL,NULL);
INSERT INTO "event" VALUES(4,'2026-11-28T12:50:49.194097+00:00','2026-06-01','clerk','edit','unit','jiaoyu','{"code": "jyj", "kind": "other", "name": "平凉市教育局", "parent_id": null}','{"code": "jiaoyu", "kind": "department", "name": "平凉市教育局", "parent_id": null}',NULL,NULL);
INSERT INTO "event" VALUES(5,'2026-11-28T12:50:49.937680+00:00','2026-06-01','clerk','add','item','DB-2026-0001',NULL,'{"assigned": "2026-06-01", "cancel_reason": null, "category": "meeting", "closed_on": null, "due": "2026-07-01", "lead_unit_id": 2, "leader": null, "number": "DB-2026-0001", "seq": 1, "source": "平政督〔2026〕3号", "status": "open", "title": "推进城区供热管网改造", "units": ["jiaoyu", "kongtong"], "year": 2026}',NULL,NULL);
INSERT INTO "event" VALUES(6,'2026-11-28T12:50:50.677358+00:00','2026-06-01','clerk','add','item','DB-2026-0002',NULL,'{"assigned": "2026-06-01", "cancel_reason": null, "category": "instruction", "closed_on": null, "due": "2026-06-08", "lead_unit_id": 1, "leader": null, "number": "DB-2026-0002", "seq": 2, "source": null, "status": "open", "title": "市长关于冬季取暖保障的批示", "units": [], "year": 2026}',NULL,NULL);
INSERT INTO "event" VALUES(7,'2026-11-28T12:50:51.296559+00:00','2026-06-10','clerk','progress','item','DB-2026-0001',NULL,'{"on": "2026-06-10", "percent": 40, "text": "完成管网招标"}',NULL,NULL);
INSERT INTO "event" VALUES(8,'2026-11-28T12:50:52.138564+00:00','2026-06-20','clerk','progress','item','DB-2026-0001',NULL,'{"on": "2026-06-20", "percent": 60, "text": "开工建设"}',NULL,NULL);
INSERT INTO "event" VALUES(9,'2026-11-28T12:50:52.791990+00:00','2026-06-25','clerk','close','item','DB-2026-0001','{"assigned": "2026-06-01", "cancel_reason": null, "category": "meeting", "closed_on": null, "due": "2026-07-01", "lead_unit_id": 2, "leader": null, "number": "DB-2026-0001", "seq": 1, "source": "平政督〔2026〕3号", "status": "open", "title": "推进城区供热管网改造", "units": ["jiaoyu", "kongtong"], "year": 2026}','{"assigned": "2026-06-01", "cancel_reason": null, "category": "meeting", "closed_on": "2026-06-25", "due": "2026-07-01", "lead_unit_id": 2, "leader": null, "number": "DB-2026-0001", "seq": 1, "source": "平政督〔2026〕3号", "status": "done", "title": "推进城区供热管网改造", "units": ["jiaoyu", "kongtong"], "year": 2026}',NULL,NULL);
INSERT INTO "event" VALUES(10,'2026-11-28T12:50:53.597298+00:00','2026-06-01','clerk','cancel','item','DB-2026-0002','{"assigned": "2026-06-01", "cancel_reason": null, "category": "instruction", "closed_on": null, "due": "2026-06-08", "lead_unit_id": 1, "leader": null, "number": "DB-2026-0002", "seq": 2, "source": null, "status": "open", "title": "市长关于冬季取暖保障的批示", "units": [], "year": 2026}','{"assigned": "2026-06-01", "cancel_reason": "并入DB-2026-0001", "category": "instruction", "closed_on": null, "due": "2026-06-08", "lead_unit_id": 1, "leader": null, "number": "DB-2026-0002", "seq": 2, "source": null, "status": "cancelled", "title": "市长关于冬季取暖保障的批示", "units": [], "year": 2026}',NULL,NULL);
INSERT INTO "event" VALUES(11,'2026-11-28T12:50:54.461169+00:00','2026-06-01','clerk','set','setting','multi_headed.days','{"key": "multi_headed.days", "value": 30}','{"key": "multi_headed.days", "value": 45}',NULL,NULL);
CREATE TABLE extension (
	id INTEGER NOT NULL, 
	subject_table VARCHAR(16) NOT NULL, 
	subject_id INTEGER NOT NULL, 
	requested_on DATE NOT NULL, 
	old_due DATE, 
	to_date DATE NOT NULL, 
	reason VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	decided_by VARCHAR, 
	decided_on DATE, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE finding (
	id INTEGER NOT NULL, 
	number VARCHAR NOT NULL, 
	year INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	unit_id INTEGER NOT NULL, 
	inspection_id INTEGER, 
	item_id INTEGER, 
	description VARCHAR NOT NULL, 
	severity VARCHAR NOT NULL, 
	mode VARCHAR NOT NULL, 
	found_on DATE NOT NULL, 
	due DATE, 
	status VARCHAR NOT NULL, 
	plan_text VARCHAR, 
	plan_on DATE, 
	rectified_on DATE, 
	evidence VARCHAR, 
	verified_on DATE, 
	verified_by VARCHAR, 
	lookback_due DATE, 
	lookback_on DATE, 
	lookback_result VARCHAR, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (year, seq), 
	UNIQUE (number), 
	FOREIGN KEY(unit_id) REFERENCES unit (id), 
	FOREIGN KEY(inspection_id) REFERENCES inspection (id), 
	FOREIGN KEY(item_id) REFERENCES item (id)
);
CREATE TABLE inspection (
	id INTEGER NOT NULL, 
	number VARCHAR NOT NULL, 
	year INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	plan_id INTEGER, 
	lead_id INTEGER NOT NULL, 
	method VARCHAR NOT NULL, 
	topic VARCHAR NOT NULL, 
	start DATE NOT NULL, 
	"end" DATE, 
	finished_on DATE, 
	report_summary VARCHAR, 
	report_approved_by VARCHAR, 
	report_approved_on DATE, 
	report_circulated_on DATE, 
	approver VARCHAR, 
	approved_on DATE, 
	approval_ref VARCHAR, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (year, seq), 
	UNIQUE (number), 
	FOREIGN KEY(plan_id) REFERENCES plan_entry (id), 
	FOREIGN KEY(lead_id) REFERENCES unit (id)
);
CREATE TABLE inspection_item (
	inspection_id INTEGER NOT NULL, 
	item_id INTEGER NOT NULL, 
	PRIMARY KEY (inspection_id, item_id), 
	FOREIGN KEY(inspection_id) REFERENCES inspection (id) ON DELETE CASCADE, 
	FOREIGN KEY(item_id) REFERENCES item (id)
);
CREATE TABLE inspection_member (
	inspection_id INTEGER NOT NULL, 
	unit_id INTEGER NOT NULL, 
	PRIMARY KEY (inspection_id, unit_id), 
	FOREIGN KEY(inspection_id) REFERENCES inspection (id) ON DELETE CASCADE, 
	FOREIGN KEY(unit_id) REFERENCES unit (id)
);
CREATE TABLE inspection_target (
	inspection_id INTEGER NOT NULL, 
	unit_id INTEGER NOT NULL, 
	PRIMARY KEY (inspection_id, unit_id), 
	FOREIGN KEY(inspection_id) REFERENCES inspection (id) ON DELETE CASCADE, 
	FOREIGN KEY(unit_id) REFERENCES unit (id)
);
CREATE TABLE item (
	id INTEGER NOT NULL, 
	number VARCHAR NOT NULL, 
	year INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	title VARCHAR NOT NULL, 
	category VARCHAR NOT NULL, 
	source VARCHAR, 
	leader VARCHAR, 
	lead_unit_id INTEGER NOT NULL, 
	assigned DATE NOT NULL, 
	due DATE NOT NULL, 
	status VARCHAR NOT NULL, 
	closed_on DATE, 
	cancel_reason VARCHAR, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (year, seq), 
	UNIQUE (number), 
	FOREIGN KEY(lead_unit_id) REFERENCES unit (id)
);
INSERT INTO "item" VALUES(1,'DB-2026-0001',2026,1,'推进城区供热管网改造','meeting','平政督〔2026〕3号',NULL,2,'2026-06-01','2026-07-01','done','2026-06-25',NULL,'2026-11-28T12:50:49.932585+00:00');
INSERT INTO "item" VALUES(2,'DB-2026-0002',2026,2,'市长关于冬季取暖保障的批示','instruction',NULL,NULL,1,'2026-06-01','2026-06-08','cancelled',NULL,'并入DB-2026-0001','2026-11-28T12:50:50.673746+00:00');
CREATE TABLE item_unit (
	item_id INTEGER NOT NULL, 
	unit_id INTEGER NOT NULL, 
	PRIMARY KEY (item_id, unit_id), 
	FOREIGN KEY(item_id) REFERENCES item (id) ON DELETE CASCADE, 
	FOREIGN KEY(unit_id) REFERENCES unit (id)
);
INSERT INTO "item_unit" VALUES(1,1);
INSERT INTO "item_unit" VALUES(1,3);
CREATE TABLE plan_entry (
	id INTEGER NOT NULL, 
	number VARCHAR NOT NULL, 
	year INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	organizer_id INTEGER NOT NULL, 
	title VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	method VARCHAR, 
	start DATE, 
	"end" DATE, 
	planned BOOLEAN NOT NULL, 
	approver VARCHAR, 
	approved_on DATE, 
	approval_ref VARCHAR, 
	status VARCHAR NOT NULL, 
	cancel_reason VARCHAR, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (year, seq), 
	UNIQUE (number), 
	FOREIGN KEY(organizer_id) REFERENCES unit (id)
);
CREATE TABLE plan_target (
	plan_id INTEGER NOT NULL, 
	unit_id INTEGER NOT NULL, 
	PRIMARY KEY (plan_id, unit_id), 
	FOREIGN KEY(plan_id) REFERENCES plan_entry (id) ON DELETE CASCADE, 
	FOREIGN KEY(unit_id) REFERENCES unit (id)
);
CREATE TABLE progress (
	id INTEGER NOT NULL, 
	item_id INTEGER NOT NULL, 
	"on" DATE NOT NULL, 
	text VARCHAR NOT NULL, 
	percent INTEGER, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(item_id) REFERENCES item (id) ON DELETE CASCADE
);
INSERT INTO "progress" VALUES(1,1,'2026-06-10','完成管网招标',40,'2026-11-28T12:50:51.296214+00:00');
INSERT INTO "progress" VALUES(2,1,'2026-06-20','开工建设',60,'2026-11-28T12:50:52.138351+00:00');
CREATE TABLE quota (
	year INTEGER NOT NULL, 
	max_count INTEGER, 
	reduction FLOAT, 
	baseline INTEGER, 
	PRIMARY KEY (year)
);
CREATE TABLE setting (
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO "setting" VALUES('multi_headed.days','45');
CREATE TABLE unit (
	id INTEGER NOT NULL, 
	code VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	parent_id INTEGER, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (code), 
	UNIQUE (name), 
	FOREIGN KEY(parent_id) REFERENCES unit (id)
);
INSERT INTO "unit" VALUES(1,'kongtong','平凉市崆峒区人民政府','county',NULL,'2026-11-28T12:50:46.799107+00:00');
INSERT INTO "unit" VALUES(2,'fgw','平凉市发展和改革委员会','department',NULL,'2026-11-28T12:50:47.600477+00:00');
INSERT INTO "unit" VALUES(3,'jiaoyu','平凉市教育局','department',NULL,'2026-11-28T12:50:48.344766+00:00');
CREATE INDEX ix_event_at ON event (at);
CREATE INDEX ix_event_subject ON event (subject_table, subject);
CREATE INDEX ix_extension_subject ON extension (subject_table, subject_id);
CREATE INDEX ix_accountability_subject ON accountability (subject_table, subject_id);
CREATE INDEX ix_item_seq ON item (seq);
CREATE INDEX ix_item_lead ON item (lead_unit_id, status);
CREATE INDEX ix_item_status_due ON item (status, due);
CREATE INDEX ix_plan_organizer ON plan_entry (organizer_id, year);
CREATE INDEX ix_plan_year_status ON plan_entry (year, status);
CREATE INDEX ix_item_unit_unit ON item_unit (unit_id);
CREATE INDEX ix_progress_item_on ON progress (item_id, "on");
CREATE INDEX ix_plan_target_unit ON plan_target (unit_id);
CREATE INDEX ix_inspection_start ON inspection (start);
CREATE INDEX ix_inspection_lead ON inspection (lead_id);
CREATE INDEX ix_inspection_plan ON inspection (plan_id);
CREATE INDEX ix_inspection_target_unit ON inspection_target (unit_id);
CREATE INDEX ix_inspection_item_item ON inspection_item (item_id);
CREATE INDEX ix_finding_inspection ON finding (inspection_id);
CREATE INDEX ix_finding_status_due ON finding (status, due);
CREATE INDEX ix_finding_item ON finding (item_id);
CREATE INDEX ix_finding_unit ON finding (unit_id, status);
CREATE INDEX ix_finding_lookback ON finding (status, lookback_due);
COMMIT;
