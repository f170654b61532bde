#!/bin/sh
# doc/architecture.md lists every message the acceptance tables allow,
# with the same senders and receivers, so that the map a newcomer reads
# first cannot drift from what the framework enforces.
. "$(dirname "$0")/../lib/tap.sh"

DOC=$TOP/doc/architecture.md
T=$(mktemp -d /tmp/eg-archdoc.XXXXXX)
on_exit "rm -rf $T"

# "NAME from>to ..." for every rule: IMSGACL_RULE(NAME, C(A, B) | ...),
# or IMSGACL_RULE_FD for a type that carries a descriptor; a rule may
# span lines; TO_CHILDREN(P) is P to each child.
rules() {
	tr '\n' ' ' <"$1" | sed 's/IMSGACL_RULE\(_FD\)\{0,1\}(/\
&/g' | grep '^IMSGACL_RULE\(_FD\)\{0,1\}(' | sed 's/)),.*/))/' |
	    sed 's/TO_CHILDREN(\([A-Z]*\))/C(\1, ENGINE) | C(\1, ROUTE) | C(\1, CONTROL)/g' |
	    awk '{
		if (!match($0, /IMSG_[A-Z0-9_]+/)) next
		name = substr($0, RSTART, RLENGTH)
		s = $0; out = name
		while (match(s, /C\([A-Z]+, [A-Z]+\)/)) {
			c = substr(s, RSTART + 2, RLENGTH - 3)
			split(c, p, ", ")
			out = out " " tolower(p[1]) ">" tolower(p[2])
			s = substr(s, RSTART + RLENGTH)
		}
		print out
	    }'
}

# The same from the document: rows "| NAMES | A, B -> C, D | ... |".
docrules() {
	grep '^| IMSG_' "$DOC" | awk -F'|' '{
		n = split($2, names, ",")
		split($3, d, "->")
		ns = split(d[1], from, ",")
		nr = split(d[2], to, ",")
		for (i = 1; i <= n; i++) {
			gsub(/ /, "", names[i])
			for (a = 1; a <= ns; a++) for (b = 1; b <= nr; b++) {
				f = from[a]; t = to[b]
				gsub(/ /, "", f); gsub(/ /, "", t)
				if (f == "children") {
					print names[i], "engine>" t
					print names[i], "route>" t
					print names[i], "control>" t
				} else if (t == "children") {
					print names[i], f ">engine"
					print names[i], f ">route"
					print names[i], f ">control"
				} else
					print names[i], f ">" t
			}
		}
	}' | sort -u
}

for f in common/proc/imsgacl.c egd/egd_imsg.c eg-supd/supd_imsg.c; do
	rules "$TOP/$f"
done | awk '{ for (i = 2; i <= NF; i++) print $1, $i }' | sort -u >$T/code
docrules >$T/doc
ok $([ -s $T/code ] && [ "$(wc -l <$T/code)" -gt 40 ]; echo $?) \
    "the acceptance tables have rules ($(wc -l <$T/code) directions)"
comm -23 $T/code $T/doc >$T/missing
comm -13 $T/code $T/doc >$T/extra
ok $([ ! -s $T/missing ]; echo $?) \
    "every allowed direction is in the document$(sed 's/^/; missing: /' $T/missing | tr '\n' ' ')"
ok $([ ! -s $T/extra ]; echo $?) \
    "the document allows nothing the tables refuse$(sed 's/^/; extra: /' $T/extra | tr '\n' ' ')"
tap_done
