from fakes.oidc.server import main

main()
