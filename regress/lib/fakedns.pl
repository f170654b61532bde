#!/usr/bin/perl
# A tiny DNS server for tests: fakedns.pl ADDR PORT MAPFILE LOGFILE
# answers A and AAAA queries over UDP from MAPFILE, reread for every
# query, with lines "NAME A|AAAA ADDRESS" (TTL 0, several lines for
# several records); a name not in the file gets NXDOMAIN.  While
# MAPFILE.silent exists it answers nothing (a dead name server).  Each
# query is logged to LOGFILE as "NAME TYPE SRCPORT".  It serves until
# it is killed.
use strict;
use warnings;
use IO::Socket::INET;
use Socket qw(inet_pton AF_INET6);

my ($addr, $port, $map, $log) = @ARGV;
die "usage: fakedns.pl addr port mapfile logfile\n" unless defined $log;
my $s = IO::Socket::INET->new(LocalAddr => $addr, LocalPort => $port,
    Proto => 'udp', ReuseAddr => 1) or die "fakedns: bind $addr:$port: $!\n";
my %types = (1 => 'A', 28 => 'AAAA');

sub records {
	my ($name, $type) = @_;
	my (@rr, $known);
	open(my $fh, '<', $map) or return (0);
	while (<$fh>) {
		my ($n, $t, $a) = split;
		next unless defined $a && lc($n) eq lc($name);
		$known = 1;
		push @rr, $t eq 'A' ? pack('C4', split(/\./, $a)) :
		    inet_pton(AF_INET6, $a) if $t eq $type;
	}
	close $fh;
	return ($known, @rr);
}

$| = 1;
while (1) {
	my $peer = $s->recv(my $q, 512) or next;
	next if length($q) < 17;
	my ($id, $flags, $qd) = unpack('n n n', $q);
	next if $flags & 0x8000 || $qd != 1;
	my ($off, @labels) = (12);
	while ($off < length($q)) {
		my $len = ord(substr($q, $off, 1));
		$off++;
		last if $len == 0;
		push @labels, substr($q, $off, $len);
		$off += $len;
	}
	next if $off + 4 > length($q);
	my ($qtype, $qclass) = unpack('n n', substr($q, $off, 4));
	my $question = substr($q, 12, $off + 4 - 12);
	my $name = join('.', @labels);
	my $tname = $types{$qtype} // $qtype;
	my (undef, $sport) = sockaddr_in($peer);
	if (open(my $lf, '>>', $log)) {
		print $lf "$name $tname $sport\n";
		close $lf;
	}
	next if -e "$map.silent";
	my ($known, @rr) = records($name, $tname);
	my $ans = '';
	for my $r (@rr) {
		$ans .= pack('n n n N n', 0xc00c, $qtype, 1, 0, length($r)) . $r;
	}
	my $rcode = $known ? 0 : 3;
	my $hdr = pack('n n n n n n', $id, 0x8180 | ($flags & 0x0100) | $rcode,
	    1, scalar(@rr), 0, 0);
	$s->send($hdr . $question . $ans, 0, $peer);
}
