#!/bin/sh
# Stands in for the browser in end-to-end runs (ECSDESK_BROWSER): records each URL the app opens,
# one per line, in $ECSDESK_OPENED, so a test can check it and follow it against the simulator.
printf '%s\n' "$1" >> "$ECSDESK_OPENED"
