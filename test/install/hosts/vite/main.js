// The host's page script: importing the package registers <user-manager>.
import "@user-manager/web-components"
