from homecoming.cli import main

main()
