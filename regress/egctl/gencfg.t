#!/bin/sh
# egctl gencfg on EtherGuard-Go's own generator inputs (each a copy with
# its "Config output dir" moved into a scratch directory): the files of
# each mode, mode 0600, every one loads with egd -n / eg-supd -n, keys and
# PSKs agree across the files, the static NextHopTable equals egctl solve
# on the same matrix, NodeID ranges and address ranges are honoured, and a
# second run without the overwrite flag refuses and changes nothing.
. "$(dirname "$0")/../lib/tap.sh"

EGCTL=$BUILD/egctl
EGD=$BUILD/egd
SUPD=$BUILD/eg-supd
DATA=$TOP/regress/testdata/etherguard-go/gencfg
T=$(mktemp -d /tmp/eg-gencfg.XXXXXX)
on_exit "rm -rf $T"

# gen_copy SRC DST OUTDIR: SRC with its output dir set to OUTDIR.
gen_copy() {
	sed "s|^Config output dir:.*|Config output dir: $3|" "$1" >"$2"
}
# key FILE KEY: the first value of KEY (at any indent) in FILE.
key() {
	sed -n "s/^ *-\{0,1\} *$2: *//p" "$1" | head -1 | tr -d '"'
}
# peer_ids FILE: the NodeIDs of the Peers list, space-separated.
peer_ids() {
	sed -n '/^Peers:/,$s/^- NodeID: //p' "$1" | tr '\n' ' ' | sed 's/ $//'
}
# peer_val FILE ID KEY: KEY of the Peers entry of NodeID ID.
peer_val() {
	awk -v id="$2" -v k="$3" '/^Peers:/ { p = 1 }
	    p && /^- NodeID: / { cur = $3 }
	    p && cur == id && $1 == k":" { print $2; exit }' "$1"
}
# nhtable FILE: the NextHopTable block.
nhtable() {
	sed -n '/^NextHopTable:/,/^[A-Z]/p' "$1" | sed '$d'
}
# loads_all KIND FILES...: every file loads with egd -n (edge) or eg-supd -n.
loads_all() {
	_prog=$EGD; [ "$1" = super ] && _prog=$SUPD; shift
	for _f; do
		$_prog -n -f "$_f" >/dev/null 2>$T/loaderr || {
			diag "$_f: $(cat $T/loaderr)"; return 1; }
	done
}
modes_0600() {
	for _f; do
		[ "$(stat -c %a "$_f")" = 600 ] || { diag "$_f: $(stat -c %a "$_f")"; return 1; }
	done
}
sums() { cat "$@" | sha256sum; }

# --- static -----------------------------------------------------------
# EtherGuard-Go's genstatic.yaml has 1.0 on the diagonal for nodes 5 and
# 6; the diagonal is egctl solve's rule (solve.t), so this copy has 0
# there, and a test further down checks that gencfg and egctl solve judge
# the matrix as it is shipped alike.
gen_copy $DATA/genstatic.yaml $T/genstatic.yaml $T/static
sed -i -e 's/^  5 Inf Inf 1.0 Inf 1.0 Inf$/  5 Inf Inf 1.0 Inf 0   Inf/' \
    -e 's/^  6 Inf Inf Inf 1.0 Inf 1.0$/  6 Inf Inf Inf 1.0 Inf 0/' \
    $T/genstatic.yaml
$EGCTL gencfg static $T/genstatic.yaml >$T/out 2>$T/err
ok $? "gencfg static genstatic.yaml: $(cat $T/err)"
S=$T/static
ok $([ "$(ls $S | tr '\n' ' ')" = "EgNet_edge1.yaml EgNet_edge2.yaml EgNet_edge3.yaml EgNet_edge4.yaml EgNet_edge5.yaml EgNet_edge6.yaml " ]
    echo $?) "static: one file per node in the output dir: $(ls $S | tr '\n' ' ')"
ok $(modes_0600 $S/*; echo $?) "static: every file mode 0600"
ok $(loads_all edge $S/*; echo $?) "static: every file loads with egd -n"
sed -n '/^Distance matrix/,$p' $T/genstatic.yaml | sed '1d;s/^  //' >$T/matrix
$EGCTL solve $T/matrix >$T/solved
for i in 1 2 3 4 5 6; do
	nhtable $S/EgNet_edge$i.yaml | cmp -s - $T/solved || break
done
ok $? "static: every NextHopTable equals egctl solve on the matrix"
nhtable $DATA/static/EgNet_edge1.yaml >$T/egtable
ok $(cmp -s $T/egtable $T/solved; echo $?) \
    "static: and EtherGuard-Go's generated table"
ok $([ "$(peer_ids $S/EgNet_edge1.yaml)" = 2 ] &&
    [ "$(peer_ids $S/EgNet_edge3.yaml)" = "2 4 5" ]; echo $?) \
    "static: peers are the matrix's neighbours (1: $(peer_ids $S/EgNet_edge1.yaml); 3: $(peer_ids $S/EgNet_edge3.yaml))"
ok $([ "$(key $S/EgNet_edge3.yaml PrivKey | $EGCTL pubkey)" = \
    "$(peer_val $S/EgNet_edge2.yaml 3 PubKey)" ] &&
    [ "$(peer_val $S/EgNet_edge2.yaml 3 PSKey)" = \
    "$(peer_val $S/EgNet_edge3.yaml 2 PSKey)" ] &&
    [ -n "$(peer_val $S/EgNet_edge3.yaml 2 PSKey)" ]; echo $?) \
    "static: 2's peer 3 has 3's public key, and 2 and 3 share one PSK"
ok $([ "$(key $S/EgNet_edge1.yaml PrivKey)" != "$(key $S/EgNet_edge2.yaml PrivKey)" ] &&
    [ "$(peer_val $S/EgNet_edge2.yaml 1 PSKey)" != "$(peer_val $S/EgNet_edge2.yaml 3 PSKey)" ]
    echo $?) "static: fresh keys and PSKs per node and per pair"
ok $([ "$(key $S/EgNet_edge4.yaml ListenPort)" = 3004 ] &&
    [ "$(peer_val $S/EgNet_edge3.yaml 4 EndPoint)" = 127.0.0.1:3004 ] &&
    [ "$(key $S/EgNet_edge4.yaml Name)" = EgNet4 ] &&
    [ "$(key $S/EgNet_edge4.yaml IPv4CIDR)" = 192.168.76.0/24 ]; echo $?) \
    "static: ListenPort, peer endpoint, interface name with the NodeID, address range"

sums $S/* >$T/sum1
$EGCTL gencfg static $T/genstatic.yaml >/dev/null 2>$T/err
rc=$?
ok $([ $rc -ne 0 ] && grep -q 'exists; nothing written' $T/err; echo $?) \
    "static: a second run without the overwrite flag refuses: $(cat $T/err)"
sums $S/* >$T/sum2
ok $(cmp -s $T/sum1 $T/sum2; echo $?) "static: and changes no file"
sed 's/^Enable generated config overwrite:.*/Enable generated config overwrite: true/' \
    $T/genstatic.yaml >$T/genstatic_ow.yaml
chmod 644 $S/EgNet_edge1.yaml
$EGCTL gencfg static $T/genstatic_ow.yaml >/dev/null 2>$T/err
ok $? "static: with the overwrite flag it writes again: $(cat $T/err)"
sums $S/* >$T/sum3
ok $(! cmp -s $T/sum1 $T/sum3 && modes_0600 $S/*; echo $?) \
    "static: with fresh keys, every file mode 0600 again"

# -o overrides the output dir; the matrix as EtherGuard-Go ships it.
gen_copy $DATA/genstatic.yaml $T/genstatic_orig.yaml /nonexistent/never
sed -n '/^Distance matrix/,$p' $T/genstatic_orig.yaml | sed '1d;s/^  //' >$T/matrix_orig
$EGCTL solve $T/matrix_orig >$T/solved_orig 2>/dev/null
src=$?
$EGCTL -o $T/orig gencfg static $T/genstatic_orig.yaml >/dev/null 2>$T/err
grc=$?
nhtable $T/orig/EgNet_edge1.yaml | cmp -s - $T/solved_orig
ok $([ $src -eq 0 ] && [ $grc -eq 0 ]; echo $?) \
    "shipped genstatic.yaml: gencfg's table is egctl solve's"
ok $([ "$(grep -c 'the diagonal cost of NodeID [56] (1) is ignored' $T/err)" = 2 ]
    echo $?) "shipped genstatic.yaml: its two non-zero diagonal entries ignored with a warning each"
ok $([ ! -e /nonexistent/never ]; echo $?) "-o: the gen file's output dir unused"

# Templates: the edge template's keys are kept, its own identity replaced.
mkdir $T/tpl
cp $DATA/EgNet_edge1.yaml $T/tpl/
gen_copy $DATA/genp2p_template.yaml $T/tpl/gen.yaml out
$EGCTL gencfg p2p $T/tpl/gen.yaml >/dev/null 2>$T/err
ok $? "p2p with a template, output dir relative to the gen file: $(cat $T/err)"
ok $([ "$(key $T/tpl/out/EgNet_edge2.yaml IType)" = stdio ] &&
    [ "$(key $T/tpl/out/EgNet_edge2.yaml L2HeaderMode)" = kbdbg ] &&
    [ "$(key $T/tpl/out/EgNet_edge2.yaml NodeID)" = 2 ] &&
    [ "$(key $T/tpl/out/EgNet_edge2.yaml PrivKey)" != \
    "$(key $DATA/EgNet_edge1.yaml PrivKey)" ]; echo $?) \
    "template: IType and L2HeaderMode from it, NodeID and key fresh"
ok $(loads_all edge $T/tpl/out/*; echo $?) "template: every file loads"

# Address ranges too small for the NodeIDs are refused.
sed 's|^  IPv4 range:.*|  IPv4 range: 192.168.76.0/30|' $T/genstatic.yaml \
    >$T/small.yaml
$EGCTL -o $T/small gencfg static $T/small.yaml >/dev/null 2>$T/err
ok $([ $? -ne 0 ] && grep -q 'no address for NodeID 3' $T/err && [ ! -e $T/small/EgNet_edge1.yaml ]
    echo $?) "a /30 has no room for NodeID 3: $(cat $T/err)"

# --- super ------------------------------------------------------------
gen_copy $DATA/gensuper.yaml $T/gensuper.yaml $T/super
$EGCTL gencfg super $T/gensuper.yaml >/dev/null 2>$T/err
ok $? "gencfg super gensuper.yaml: $(cat $T/err)"
P=$T/super
want=""
for i in 01 02 03 04 05 06 07 08 09 10 11 19 23 29 31 55 56 57 58 59 60 61 \
    62 63 64 65 66 88 89 90 91 92 93 94 95 96 97 98 99; do
	want="$want eg_net_edge$i.yaml"
done
ok $([ "$(ls $P/eg_net_edge* | xargs -n1 basename | tr '\n' ' ')" = "${want# } " ]
    echo $?) "super: an edge per NodeID of [1~10,11,19,23,29,31,55~66,88~99] ($(ls $P | wc -l) files)"
ok $(modes_0600 $P/*; echo $?) "super: every file mode 0600"
ok $(loads_all edge $P/eg_net_edge*; echo $?) "super: every edge loads with egd -n"
ok $(loads_all super $P/eg_net_super.yaml; echo $?) \
    "super: the supernode loads with eg-supd -n"
e19=$P/eg_net_edge19.yaml
sup=$P/eg_net_super.yaml
ok $([ "$(key $e19 PrivKey | $EGCTL pubkey)" = "$(peer_val $sup 19 PubKey)" ] &&
    [ "$(key $e19 PSKey)" = "$(peer_val $sup 19 PSKey)" ] &&
    [ "$(key $sup PrivKeyV4 | $EGCTL pubkey)" = "$(key $e19 PubKeyV4)" ] &&
    [ "$(key $sup PrivKeyV6 | $EGCTL pubkey)" = "$(key $e19 PubKeyV6)" ]
    echo $?) "super: edge 19's keys and PSK match the supernode's"
ok $([ "$(key $e19 UseSuperNode)" = true ] &&
    [ "$(key $e19 EndpointV4)" = 127.0.0.1:3456 ] &&
    [ "$(key $e19 EndpointEdgeAPIUrl)" = http://127.0.0.1:3456/eg_net/eg_api ] &&
    [ "$(key $e19 NodeName)" = eg_net19 ] &&
    [ "$(key $sup ListenPort)" = 3456 ]; echo $?) \
    "super: the edges point at the supernode's endpoint and EdgeAPI"
pw=$(sed -n '/^Passwords:/,/^[A-Z]/s/^  [A-Za-z]*: //p' $sup | sort -u | grep -c '^[A-Za-z0-9]\{24\}$')
ok $([ "$pw" = 5 ]; echo $?) "super: five distinct Passwords ($pw)"
for bad in '[5~1]' '[1~10,5]' '[1,70000]' '1,2' '[1~]'; do
	sed "s|^  Node IDs:.*|  Node IDs: \"$bad\"|" $T/gensuper.yaml >$T/badids.yaml
	$EGCTL -o $T/badids gencfg super $T/badids.yaml >/dev/null 2>$T/err
	ok $([ $? -ne 0 ] && grep -q 'Node IDs' $T/err && [ ! -e $T/badids ]; echo $?) \
	    "super: Node IDs $bad refused: $(cat $T/err)"
done

# --- p2p --------------------------------------------------------------
gen_copy $DATA/genp2p.yaml $T/genp2p.yaml $T/p2p
$EGCTL gencfg p2p $T/genp2p.yaml >/dev/null 2>$T/err
ok $? "gencfg p2p genp2p.yaml: $(cat $T/err)"
Q=$T/p2p
ok $([ $(ls $Q | wc -l) -eq 6 ] && modes_0600 $Q/*; echo $?) \
    "p2p: six files, mode 0600"
ok $(loads_all edge $Q/*; echo $?) "p2p: every file loads with egd -n"
ok $([ "$(peer_ids $Q/EgNet_edge1.yaml)" = "3 4" ] &&
    [ "$(peer_ids $Q/EgNet_edge3.yaml)" = "1 2 4 5 6" ] &&
    [ "$(key $Q/EgNet_edge3.yaml ListenPort)" = 3003 ] &&
    [ "$(key $Q/EgNet_edge1.yaml ListenPort)" = 0 ] &&
    [ "$(key $Q/EgNet_edge1.yaml UseP2P)" = true ] &&
    [ "$(peer_val $Q/EgNet_edge1.yaml 3 PSKey)" = "$(peer_val $Q/EgNet_edge3.yaml 1 PSKey)" ]; echo $?) \
    "p2p: a pair is peers when one has an endpoint (1: $(peer_ids $Q/EgNet_edge1.yaml); 3: $(peer_ids $Q/EgNet_edge3.yaml)), UseP2P on"
ok $([ "$(peer_val $Q/EgNet_edge3.yaml 1 Static)" = false ] &&
    [ "$(peer_val $Q/EgNet_edge3.yaml 1 PersistentKeepalive)" = 0 ] &&
    [ "$(peer_val $Q/EgNet_edge1.yaml 3 Static)" = true ] &&
    [ "$(peer_val $Q/EgNet_edge1.yaml 3 PersistentKeepalive)" = 30 ]; echo $?) \
    "p2p: a peer without an endpoint is not Static (its address is learnt), one with is, kept alive"
ok $(nhtable $Q/EgNet_edge1.yaml | grep -q '^NextHopTable: {}$'; echo $?) \
    "p2p: no static NextHopTable"

# --- bad input ----------------------------------------------------------
printf 'Config output dir: %s\nNetwork name: x\nEdge Nodes:\n  1:\n    Endpoint(optional): nope\n' \
    $T/bad >$T/bad.yaml
$EGCTL gencfg p2p $T/bad.yaml >/dev/null 2>$T/err
ok $([ $? -ne 0 ] && grep -q ':5:' $T/err && [ ! -e $T/bad ]; echo $?) \
    "a bad endpoint is refused with its line: $(cat $T/err)"
sed 's|^Network name:.*|Network name: ../escape|' $T/genp2p.yaml >$T/badname.yaml
$EGCTL -o $T/badname gencfg p2p $T/badname.yaml >/dev/null 2>$T/err
ok $([ $? -ne 0 ] && grep -q 'Network name' $T/err && [ ! -e $T/badname ] &&
    [ ! -e $T/escape_edge1.yaml ]; echo $?) \
    "a network name that is no file name is refused: $(cat $T/err)"
$EGCTL gencfg static $T/genp2p.yaml >/dev/null 2>$T/err
ok $([ $? -ne 0 ] && grep -q 'Distance matrix' $T/err; echo $?) \
    "static mode needs a matrix: $(cat $T/err)"
$EGCTL gencfg super $T/genp2p.yaml >/dev/null 2>$T/err
ok $([ $? -ne 0 ] && grep -q 'Super Node' $T/err; echo $?) \
    "super mode needs a Super Node block: $(cat $T/err)"
tap_done
