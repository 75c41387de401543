/* control/ctl/xskwallctl.c - the command-line client of the xskwall
 * daemon's control socket: parse the command line against the command
 * table (ctl_commands.c) and run the command's handler. */
#include <stdio.h>
#include "ctl_cli.h"

int main(int argc, char **argv)
{
	const struct ctl_cli_cmd *cmd;
	struct ctl_cli_args args;
	int rc = ctl_cli_parse(argc, argv, stdout, &cmd, &args);

	if (rc == CTL_EXIT_DONE)
		return CTL_EXIT_OK;
	if (rc)
		return rc;
	rc = cmd->run(cmd, &args);
	if (fflush(stdout) && !rc)
		rc = CTL_EXIT_FAILED; /* e.g. a closed pipe */
	return rc;
}
