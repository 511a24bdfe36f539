"""Reading a sheet's YAML: expressions, quantities, slips, the network shorthand, lint."""
