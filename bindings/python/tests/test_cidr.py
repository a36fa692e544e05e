"""IP addresses, CIDR blocks and sets (mirrors tests/cidr_test.cc), checked
against Python's ipaddress module on random data."""

import ipaddress
import random

import pytest

import guestguard as gg


@pytest.mark.parametrize("text,canonical", [
    ("203.0.113.42", "203.0.113.42/32"),
    ("2001:db8::1", "2001:db8::1/128"),
    ("192.168.1.77/24", "192.168.1.0/24"),
    ("2001:db8:abcd:1234::1/48", "2001:db8:abcd::/48"),
    ("2001:DB8:0:0:0:0:0:1", "2001:db8::1/128"),
    ("2001:db8:0:1:1:1:1:1/128", "2001:db8:0:1:1:1:1:1/128"),
    ("  10.0.0.0/8\t", "10.0.0.0/8"),
    ("0.0.0.0/0", "0.0.0.0/0"),
    ("::/0", "::/0"),
])
def test_widens_clears_host_bits_and_prints_canonically(text, canonical):
    c = gg.Cidr(text)
    assert str(c) == canonical
    assert gg.Cidr.parse(text) == c
    assert repr(c) == f"Cidr('{canonical}')"


@pytest.mark.parametrize("text,why", [
    ("10.0.0.0/33", "32"), ("2001:db8::/129", "128"), ("1.2.3", ""), ("/etc/passwd", ""),
    ("", "empty"), ("   ", "whitespace"), ("10.0.0.0/24 junk", ""), ("01.2.3.4", "leading zero"),
    ("10.0.0.0/08", "leading zero"), ("256.1.1.1", ""), ("1..2.3", ""), ("10.0.0.0/", ""),
    ("/24", ""), ("10.0.0.0/-1", ""), ("fe80::1%eth0", ""), ("[::1]:80", ""), ("1:2:3", ""),
    ("localhost", ""),
])
def test_rejects_bad_input_saying_why(text, why):
    with pytest.raises(gg.InvalidArgument, match=why) as e:
        gg.Cidr(text)
    assert e.value.code == "INVALID_ARGUMENT"


def test_make_and_same_family_containment():
    c = gg.Cidr.make("192.0.2.77", 24)
    assert str(c) == "192.0.2.0/24" and c.prefix_length == 24 and c.version == 4
    assert c.network == gg.IpAddress("192.0.2.0")
    with pytest.raises(gg.InvalidArgument):
        gg.Cidr.make(gg.IpAddress("192.0.2.1"), 33)
    assert "192.0.2.200" in c and gg.IpAddress("192.0.3.1") not in c
    assert not c.contains("::ffff:192.0.2.1")  # Same family only; CidrSet maps.


def test_ip_addresses_round_trip_and_unmap():
    a = gg.IpAddress("::ffff:192.0.2.1")
    assert a.version == 6 and a.is_v4_mapped and not a.is_v4
    assert a.unmapped() == gg.IpAddress("192.0.2.1")
    assert gg.IpAddress("192.0.2.1").packed == bytes([192, 0, 2, 1])
    assert len(gg.IpAddress("::1").packed) == 16
    assert {gg.IpAddress("10.0.0.1"), gg.IpAddress("10.0.0.1")} == {gg.IpAddress("10.0.0.1")}
    assert gg.IpAddress("10.0.0.1") < gg.IpAddress("10.0.0.2")
    for bad in ["10.0.0.0/8", "junk", ""]:
        with pytest.raises(gg.InvalidArgument):
            gg.IpAddress(bad)


def test_set_matches_v4_mapped_addresses_both_ways():
    s = gg.CidrSet(["198.51.100.0/24"])
    assert "198.51.100.20" in s and "::ffff:198.51.100.20" in s
    assert gg.IpAddress("::ffff:198.51.100.20") in s
    assert "198.51.101.1" not in s
    mapped = gg.CidrSet(["::ffff:203.0.113.0/120"])
    assert "203.0.113.9" in mapped
    assert not gg.CidrSet() and "1.2.3.4" not in gg.CidrSet()


def test_set_insert_erase_and_iteration():
    s = gg.CidrSet(["10.0.0.0/8", "10.0.0.0/8", gg.Cidr("2001:db8::/32")])
    assert len(s) == 2
    assert not s.insert("10.1.2.3/8")  # Same canonical block.
    assert s.insert("10.0.0.0/16")
    assert [str(c) for c in s] == ["10.0.0.0/8", "10.0.0.0/16", "2001:db8::/32"]
    assert s.erase("10.0.0.0/8") and not s.erase("10.0.0.0/8")
    assert "10.0.1.1" in s and "10.1.0.1" not in s
    with pytest.raises(gg.InvalidArgument):
        "not an ip" in s  # noqa: B015


def _random_network(rng):
    if rng.random() < 0.5:
        prefix = rng.randint(8, 32)
        return ipaddress.ip_network((rng.getrandbits(32), prefix), strict=False)
    prefix = rng.randint(16, 128)
    address = (0x2001 << 112) | rng.getrandbits(112)  # Clear of ::ffff:0:0/96.
    return ipaddress.ip_network((address, prefix), strict=False)


def _random_address_in(rng, net):
    host = rng.getrandbits(net.max_prefixlen - net.prefixlen) if net.prefixlen < net.max_prefixlen else 0
    return ipaddress.ip_address(int(net.network_address) + host)


def test_agrees_with_the_ipaddress_module_on_random_data():
    rng = random.Random(20260401)
    nets = [_random_network(rng) for _ in range(1500)]
    s = gg.CidrSet(str(n) for n in nets)
    assert {str(c) for c in s} == {str(n) for n in nets}
    for n in nets[:300]:
        assert str(gg.Cidr(str(n))) == str(n)
        assert str(gg.Cidr(f"{_random_address_in(rng, n)}/{n.prefixlen}")) == str(n)
    masks = {4: [], 6: []}
    for n in nets:
        masks[n.version].append((int(n.network_address), int(n.netmask)))
    queries = [_random_address_in(rng, rng.choice(nets)) for _ in range(700)]
    queries += [ipaddress.ip_address(rng.getrandbits(32)) for _ in range(350)]
    queries += [ipaddress.ip_address((0x2001 << 112) | rng.getrandbits(112)) for _ in range(350)]
    hits = 0
    for q in queries:
        value = int(q)
        expected = any(value & mask == net for net, mask in masks[q.version])
        hits += expected
        assert (str(q) in s) == expected, q
        assert gg.IpAddress(str(q)).packed == q.packed
        assert str(gg.IpAddress(str(q))) == str(q)
    assert hits >= 700
