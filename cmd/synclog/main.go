// Command synclog reads Firefox Sync logs and reports which failed
// responses must be escalated to Services Operations.
package main

import (
	"os"

	"synclog/internal/cli"
)

func main() { os.Exit(cli.Main()) }
