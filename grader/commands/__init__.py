"""One module per command, each with one keyword-only entry function; ``cli`` only calls them."""
