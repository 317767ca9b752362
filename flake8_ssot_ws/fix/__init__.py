"""``ssot-ws fix``'s pure core: the rewrite of one source text through the tokens of the
statements it changes, verified by the checking core before anything is written."""
