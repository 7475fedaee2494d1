from duchá.cli import main

main()
