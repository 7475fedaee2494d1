"""Documents an office hands on, as .docx in the layout of Chinese official documents
(GB/T 9704-2012): official.py lays out the page, the header, the text and the signature; one
module per document composes it from the rows of the same report the Markdown is made from.

python-docx is imported only when a document is written.
"""
