"""`akhbar`, the command line: one module per command group, the only place that wires every
package together. Thin: parse options, call the library, print, exit with a code.

`entry` is the console script's entry and imports nothing until it runs; `main` holds the group
and the crawl commands; `archive`, `outlets`, `scale` and `bench` hold theirs; `options` the
options they share. This file imports nothing either (see `entry`).
"""
