from medreview.cli import main

main()
