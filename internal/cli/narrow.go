package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"synclog/internal/scan"
)

// addNarrowFlags defines --host, --key and --status, which bind into n.
func addNarrowFlags(cmd *cobra.Command, n *scan.Narrow) {
	f := cmd.Flags()
	f.StringArrayVar(&n.Hosts, "host", nil, "report only events of host `H` (any case, with or without the port; .example.com: that domain and those under it; repeatable); events with no URL are left out")
	f.StringArrayVar(&n.Keys, "key", nil, "report only responses whose body key (a code, an infra string, or the text of an unknown body) is `K` (any case; repeatable); other events are left out")
	f.IntSliceVar(&n.Statuses, "status", nil, "report only responses of HTTP status `N` (100 to 599; repeatable, or N,N); other events are left out")
}

// checkNarrow refuses a status outside 100..599, an empty host or key,
// and narrowing with --state (the state would move past the events left
// out, and no later run would report them) unless with --dry-run.
func (o *scanOptions) checkNarrow() error {
	n := &o.narrow
	if !n.IsZero() && o.statePath != "" && !o.dryRun {
		return &usageError{"--host, --key and --status cannot be used with --state: the events they leave out would never be reported (add --dry-run to leave the state as it was)"}
	}
	for _, st := range n.Statuses {
		if st < 100 || st > 599 {
			return &usageError{fmt.Sprintf("--status %d: want an HTTP status, 100 to 599", st)}
		}
	}
	for _, l := range []struct {
		flag string
		vals []string
	}{{"host", n.Hosts}, {"key", n.Keys}} {
		for _, v := range l.vals {
			if v == "" || v == "." {
				return &usageError{fmt.Sprintf("--%s %q: want a non-empty %s", l.flag, v, l.flag)}
			}
		}
	}
	return nil
}
