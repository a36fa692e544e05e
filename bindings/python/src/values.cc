// Copyright 2026 GuestGuard authors.
//
// Bindings of the value types: keyring and tokens, thresholds and bands, IP
// addresses and CIDR sets, access attempts, baselines and the heuristic
// scorer. Arguments are converted (copied) while holding the GIL; the GIL is
// released only around C++ calls that touch no Python object.
#include <pybind11/operators.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common.h"
#include "guestguard/baseline.h"
#include "guestguard/scoring.h"
#include "guestguard/token.h"

namespace guestguard::python {
namespace {

void BindTokens(py::module_& m) {
  m.attr("MAX_TOKEN_LENGTH") = kMaxTokenLength;
  m.attr("MIN_KEY_BYTES") = kMinKeyBytes;
  m.attr("MAX_KEY_ID_LENGTH") = kMaxKeyIdLength;
  m.attr("MAX_ID_LENGTH") = kMaxIdLength;

  py::enum_<TokenStatus>(m, "TokenStatus", "Why a token verified or did not.")
      .value("VALID", TokenStatus::kValid, "Authentic, current and not expired.")
      .value("MALFORMED", TokenStatus::kMalformed, "Length, charset, parts, version or payload.")
      .value("UNKNOWN_KEY", TokenStatus::kUnknownKey, "Well formed; key id not in the keyring.")
      .value("BAD_SIGNATURE", TokenStatus::kBadSignature, "The tag does not match.")
      .value("EXPIRED", TokenStatus::kExpired, "Authentic, past expires_at.")
      .value("REVOKED", TokenStatus::kRevoked, "Authentic, older generation than the guest's.")
      .def_property_readonly(
          "wire_name", [](TokenStatus s) { return std::string(TokenStatusName(s)); },
          "Wire name: \"valid\", \"malformed\", \"unknown_key\", \"bad_signature\", "
          "\"expired\", \"revoked\".")
      .def_static(
          "parse",
          [](const std::string& name) {
            for (TokenStatus s :
                 {TokenStatus::kValid, TokenStatus::kMalformed, TokenStatus::kUnknownKey,
                  TokenStatus::kBadSignature, TokenStatus::kExpired, TokenStatus::kRevoked}) {
              if (TokenStatusName(s) == name) return s;
            }
            ThrowInvalidArgument("unknown token status " + Quote(name));
          },
          py::arg("name"), "The status with this wire name; InvalidArgument otherwise.");

  m.def(
      "is_valid_id", [](const std::string& id) { return IsValidId(id); }, py::arg("id"),
      "True when `id` is a valid event or guest id: 1-64 of [A-Za-z0-9._:-].");
  m.def(
      "is_well_formed_token", [](const std::string& token) { return IsWellFormedToken(token); },
      py::arg("token"), "The format check verify_token runs first (no crypto).");

  py::class_<Keyring>(m, "Keyring",
                      "One active signing key plus older verify-only keys. Immutable; "
                      "thread-safe. The repr never shows secrets.")
      .def(py::init<>(), "An empty keyring: verifies nothing, cannot sign.")
      .def_static(
          "parse", [](const std::string& spec) { return Unwrap(Keyring::Parse(spec)); },
          py::arg("spec"),
          "Parses \"kid1:BASE64,kid2:BASE64\" (first is active). InvalidArgument naming the "
          "bad entry, never the secret.")
      .def_static(
          "from_keys",
          [](const std::vector<std::pair<std::string, std::string>>& keys) {
            std::vector<SigningKey> signing;
            for (const auto& [id, secret] : keys) signing.push_back({id, secret});
            return Unwrap(Keyring::FromKeys(std::move(signing)));
          },
          py::arg("keys"),
          "From [(key_id, secret_bytes), ...]; the first is active. Secrets need at least "
          "MIN_KEY_BYTES bytes.")
      .def_static(
          "generate", [](const std::string& key_id) { return Unwrap(Keyring::Generate(key_id)); },
          py::arg("key_id") = "k1", "A fresh random 32-byte key (development and tests).")
      .def("to_spec", &Keyring::ToSpec,
           "The spec string parse() accepts (URL-safe base64). Contains the secrets.")
      .def_property_readonly(
          "active_key_id", [](const Keyring& k) { return std::string(k.active_key_id()); },
          "Id of the key that signs; \"\" for an empty keyring.")
      .def(
          "has_key", [](const Keyring& k, const std::string& id) { return k.HasKey(id); },
          py::arg("key_id"), "True when the keyring holds `key_id`.")
      .def("__contains__", [](const Keyring& k, const std::string& id) { return k.HasKey(id); })
      .def("__len__", &Keyring::size)
      .def("__repr__", [](const Keyring& k) {
        return "Keyring(active_key_id=" + Quote(k.active_key_id()) +
               ", size=" + std::to_string(k.size()) + ")";
      });

  py::class_<TokenClaims>(m, "TokenClaims", "What a token binds. A plain value.")
      .def(py::init([](std::string event_id, std::string guest_id, uint32_t generation,
                       py::object issued_at, py::object expires_at, std::string key_id) {
             TokenClaims c;
             c.event_id = std::move(event_id);
             c.guest_id = std::move(guest_id);
             c.generation = generation;
             c.issued_at = issued_at.is_none() ? absl::Now() : ToTime(issued_at, "issued_at");
             c.expires_at = ToOptionalTime(expires_at, "expires_at");
             c.key_id = std::move(key_id);
             return c;
           }),
           py::kw_only(), py::arg("event_id") = "", py::arg("guest_id") = "",
           py::arg("generation") = 0, py::arg("issued_at") = py::none(),
           py::arg("expires_at") = py::none(), py::arg("key_id") = "",
           "issued_at defaults to now; expires_at None means never. Times are aware datetimes.")
      .def_readwrite("event_id", &TokenClaims::event_id, "Event id.")
      .def_readwrite("guest_id", &TokenClaims::guest_id, "Guest id.")
      .def_readwrite("generation", &TokenClaims::generation,
                     "Must equal the guest's current generation.")
      .def_property(
          "issued_at", [](const TokenClaims& c) { return FromTime(c.issued_at); },
          [](TokenClaims& c, py::object v) { c.issued_at = ToTime(v, "issued_at"); },
          "Issue time (UTC, one-second resolution in the token).")
      .def_property(
          "expires_at",
          [](const TokenClaims& c) { return c.expires_at ? FromTime(*c.expires_at) : py::none(); },
          [](TokenClaims& c, py::object v) { c.expires_at = ToOptionalTime(v, "expires_at"); },
          "Expiry (UTC), or None for never.")
      .def_readwrite("key_id", &TokenClaims::key_id,
                     "Set by sign_token (the active key) and verify_token.")
      .def("__eq__",
           [](const TokenClaims& a, const TokenClaims& b) {
             return a.event_id == b.event_id && a.guest_id == b.guest_id &&
                    a.generation == b.generation && a.issued_at == b.issued_at &&
                    a.expires_at == b.expires_at && a.key_id == b.key_id;
           })
      .def("__repr__", [](const TokenClaims& c) {
        return "TokenClaims(event_id=" + Quote(c.event_id) + ", guest_id=" + Quote(c.guest_id) +
               ", generation=" + std::to_string(c.generation) +
               ", issued_at=" + Repr(FromTime(c.issued_at)) +
               ", expires_at=" + (c.expires_at ? Repr(FromTime(*c.expires_at)) : "None") +
               ", key_id=" + Quote(c.key_id) + ")";
      });

  py::class_<TokenVerification>(m, "TokenVerification", "The verdict on one token.")
      .def_readonly("status", &TokenVerification::status, "A TokenStatus.")
      .def_readonly("claims", &TokenVerification::claims,
                    "Authentic claims when status is VALID, EXPIRED or REVOKED; empty otherwise.")
      .def_property_readonly("ok", &TokenVerification::ok, "status == TokenStatus.VALID.")
      .def("__bool__", &TokenVerification::ok)
      .def("__repr__", [](const TokenVerification& v) {
        return "TokenVerification(status=" + Repr(py::cast(v.status)) +
               ", event_id=" + Quote(v.claims.event_id) + ", guest_id=" + Quote(v.claims.guest_id) +
               ")";
      });

  m.def(
      "sign_token",
      [](const Keyring& keyring, const TokenClaims& claims) {
        const Keyring ring = keyring;
        const TokenClaims copy = claims;
        absl::StatusOr<std::string> token;
        {
          py::gil_scoped_release release;
          token = SignToken(ring, copy);
        }
        return Unwrap(std::move(token));
      },
      py::arg("keyring"), py::arg("claims"),
      "Signs `claims` with the keyring's active key (claims.key_id is ignored). "
      "InvalidArgument for bad ids, an expiry before issue, or a token over MAX_TOKEN_LENGTH.");
  m.def(
      "verify_token",
      [](const Keyring& keyring, std::string token, py::object now) {
        const Keyring ring = keyring;
        const absl::Time at = now.is_none() ? absl::Now() : ToTime(now, "now");
        py::gil_scoped_release release;
        return VerifyToken(ring, token, at);
      },
      py::arg("keyring"), py::arg("token"), py::arg("now") = py::none(),
      "Verifies format, key, tag and expiry at `now` (default: the current time). Never "
      "raises for a bad token: the status says why. Generation is not checked here.");
}

void BindThresholds(py::module_& m) {
  m.attr("DEFAULT_MEDIUM_THRESHOLD") = kDefaultMediumThreshold;
  m.attr("DEFAULT_HIGH_THRESHOLD") = kDefaultHighThreshold;
  m.attr("DEFAULT_BLOCK_THRESHOLD") = kDefaultBlockThreshold;

  py::enum_<Band>(m, "Band", py::arithmetic(),
                  "Risk band, ordered from least to most risky (comparisons are meaningful).")
      .value("LOW", Band::kLow, "Below medium: \"Verified\".")
      .value("MEDIUM", Band::kMedium, "Below high: \"Review\".")
      .value("HIGH", Band::kHigh, "Below block: \"Suspicious\".")
      .value("BLOCK", Band::kBlock, "At or above block: \"Blocked\".")
      .def_property_readonly(
          "wire_name", [](Band b) { return std::string(BandName(b)); },
          "Wire name: \"low\", \"medium\", \"high\", \"block\".")
      .def_property_readonly(
          "label", [](Band b) { return std::string(BandLabel(b)); },
          "Label shown to hosts: \"Verified\", \"Review\", \"Suspicious\", \"Blocked\".")
      .def_static(
          "parse", [](py::object name) { return ToBand(name); }, py::arg("name"),
          "The band with this wire name; InvalidArgument otherwise.");

  py::class_<Thresholds>(m, "Thresholds",
                         "One event's thresholds {medium, high, block}; valid iff "
                         "0 < medium < high < block <= 100. Construction does not validate.")
      .def(py::init([](int medium, int high, int block) {
             return Thresholds{medium, high, block};
           }),
           py::arg("medium") = kDefaultMediumThreshold, py::arg("high") = kDefaultHighThreshold,
           py::arg("block") = kDefaultBlockThreshold)
      .def_static("defaults", &Thresholds::Defaults, "The defaults: 30 / 60 / 85.")
      .def_readwrite("medium", &Thresholds::medium, "Default: 30.")
      .def_readwrite("high", &Thresholds::high, "Default: 60.")
      .def_readwrite("block", &Thresholds::block, "Default: 85.")
      .def(
          "validate", [](const Thresholds& t) { ThrowIfError(t.Validate()); },
          "Raises InvalidArgument naming the first rule that fails.")
      .def_property_readonly(
          "is_valid", [](const Thresholds& t) { return t.Validate().ok(); },
          "True iff validate() would not raise.")
      .def("band_of", &Thresholds::BandOf, py::arg("score"),
           "Band of `score` (clamped to 0-100 first).")
      .def(py::self == py::self)
      .def("__hash__",
           [](const Thresholds& t) { return py::hash(py::make_tuple(t.medium, t.high, t.block)); })
      .def("__repr__", [](const Thresholds& t) {
        return "Thresholds(medium=" + std::to_string(t.medium) +
               ", high=" + std::to_string(t.high) + ", block=" + std::to_string(t.block) + ")";
      });
}

void BindCidr(py::module_& m) {
  auto ip_hash = [](const IpAddress& a) {
    const auto& b = a.bytes();
    return py::hash(py::make_tuple(static_cast<int>(a.family()),
                                   py::bytes(reinterpret_cast<const char*>(b.data()), b.size())));
  };
  py::class_<IpAddress>(m, "IpAddress",
                        "An IPv4 or IPv6 address. IpAddress(\"192.0.2.1\") parses strictly; "
                        "str() is the canonical text. Immutable value.")
      .def(py::init([](const std::string& text) { return Unwrap(IpAddress::Parse(text)); }),
           py::arg("text"))
      .def_static(
          "parse", [](const std::string& text) { return Unwrap(IpAddress::Parse(text)); },
          py::arg("text"),
          "Dotted-quad IPv4 (no leading zeros) or IPv6; InvalidArgument otherwise.")
      .def_property_readonly(
          "version", [](const IpAddress& a) { return static_cast<int>(a.family()); }, "4 or 6.")
      .def_property_readonly("is_v4", &IpAddress::is_v4, "True for IPv4.")
      .def_property_readonly("is_v4_mapped", &IpAddress::IsV4Mapped,
                             "True for IPv6 addresses in ::ffff:0:0/96.")
      .def("unmapped", &IpAddress::Unmapped,
           "The IPv4 address inside a v4-mapped IPv6 address; self otherwise.")
      .def_property_readonly(
          "packed",
          [](const IpAddress& a) {
            return py::bytes(reinterpret_cast<const char*>(a.bytes().data()), a.is_v4() ? 4 : 16);
          },
          "Network-order bytes: 4 for IPv4, 16 for IPv6 (like ipaddress's .packed).")
      .def("__str__", &IpAddress::ToString)
      .def("__repr__", [](const IpAddress& a) { return "IpAddress(" + Quote(a.ToString()) + ")"; })
      .def(py::self == py::self)
      .def(py::self < py::self)
      .def(py::self <= py::self)
      .def(py::self > py::self)
      .def(py::self >= py::self)
      .def("__hash__", ip_hash);

  py::class_<Cidr>(m, "Cidr",
                   "A network: address with host bits cleared plus prefix length. "
                   "Cidr(\"203.0.113.42\") widens to /32; str() is canonical. Immutable value.")
      .def(py::init([](const std::string& text) { return Unwrap(Cidr::Parse(text)); }),
           py::arg("text"))
      .def_static(
          "parse", [](const std::string& text) { return Unwrap(Cidr::Parse(text)); },
          py::arg("text"),
          "\"a.b.c.d[/n]\" or \"ipv6[/n]\"; bare addresses widen to /32 or /128, host bits "
          "are cleared. InvalidArgument saying why otherwise.")
      .def_static(
          "make",
          [](py::object address, int prefix_length) {
            return Unwrap(Cidr::Make(ToIpAddress(address), prefix_length));
          },
          py::arg("address"), py::arg("prefix_length"),
          "Clears host bits of `address` (str or IpAddress); InvalidArgument for a bad prefix.")
      .def_property_readonly("network", &Cidr::network, "The network address (an IpAddress).")
      .def_property_readonly("prefix_length", &Cidr::prefix_length, "Prefix length.")
      .def_property_readonly(
          "version", [](const Cidr& c) { return static_cast<int>(c.family()); }, "4 or 6.")
      .def(
          "contains", [](const Cidr& c, py::object a) { return c.Contains(ToIpAddress(a)); },
          py::arg("address"), "Same-family containment only (see CidrSet for v4-mapped matching).")
      .def("__contains__", [](const Cidr& c, py::object a) { return c.Contains(ToIpAddress(a)); })
      .def("__str__", &Cidr::ToString)
      .def("__repr__", [](const Cidr& c) { return "Cidr(" + Quote(c.ToString()) + ")"; })
      .def(py::self == py::self)
      .def(py::self < py::self)
      .def(py::self <= py::self)
      .def(py::self > py::self)
      .def(py::self >= py::self)
      .def("__hash__", [ip_hash](const Cidr& c) {
        return py::hash(py::make_tuple(ip_hash(c.network()), c.prefix_length()));
      });

  py::class_<CidrSet>(m, "CidrSet",
                      "A set of CIDR blocks with O(log n) containment for both families; a "
                      "v4-mapped IPv6 address matches IPv4 entries. `address in s` accepts str "
                      "or IpAddress. Not safe to mutate while another thread reads it.")
      .def(py::init([](py::iterable entries) {
             std::vector<Cidr> cidrs;
             for (py::handle e : entries) cidrs.push_back(ToCidr(e));
             return CidrSet(std::move(cidrs));
           }),
           py::arg("entries") = py::tuple(),
           "From an iterable of Cidr or str; duplicates collapse.")
      .def(
          "insert", [](CidrSet& s, py::object c) { return s.Insert(ToCidr(c)); }, py::arg("cidr"),
          "Adds a block; False (and no change) when it is present already.")
      .def(
          "erase", [](CidrSet& s, py::object c) { return s.Erase(ToCidr(c)); }, py::arg("cidr"),
          "Removes the exact block; False when it is absent.")
      .def(
          "contains", [](const CidrSet& s, py::object a) { return s.Contains(ToIpAddress(a)); },
          py::arg("address"), "True when some block contains `address` (str or IpAddress).")
      .def("__contains__",
           [](const CidrSet& s, py::object a) { return s.Contains(ToIpAddress(a)); })
      .def_property_readonly(
          "entries", [](const CidrSet& s) { return s.entries(); },
          "The blocks, sorted, as inserted (not merged).")
      .def("__len__", &CidrSet::size)
      .def("__iter__", [](const CidrSet& s) { return py::iter(py::cast(s.entries())); })
      .def("__repr__", [](const CidrSet& s) {
        std::string out = "CidrSet([";
        for (size_t i = 0; i < s.entries().size(); ++i) {
          if (i > 0) out += ", ";
          if (i == 8) {
            out += "... " + std::to_string(s.size() - 8) + " more";
            break;
          }
          out += Quote(s.entries()[i].ToString());
        }
        return out + "])";
      });
}

void BindAccess(py::module_& m) {
  py::enum_<AccessKind>(m, "AccessKind", "What the guest did with the link.")
      .value("OPEN", AccessKind::kOpen, "Opened the invitation.")
      .value("RSVP", AccessKind::kRsvp, "Answered it.")
      .value("CHECKIN", AccessKind::kCheckin, "Checked in at the door.")
      .def_property_readonly(
          "wire_name", [](AccessKind k) { return std::string(AccessKindName(k)); },
          "Wire name: \"open\", \"rsvp\", \"checkin\".")
      .def_static(
          "parse", [](py::object name) { return ToAccessKind(name); }, py::arg("name"),
          "The kind with this wire name; InvalidArgument otherwise.");

  py::class_<ClientSignals>(m, "ClientSignals",
                            "What the client told us about itself; \"\" = not sent.")
      .def(py::init([](std::string user_agent, std::string fingerprint, std::string timezone,
                       std::string language, std::string screen, std::string platform) {
             return ClientSignals{std::move(user_agent), std::move(fingerprint),
                                  std::move(timezone),   std::move(language),
                                  std::move(screen),     std::move(platform)};
           }),
           py::kw_only(), py::arg("user_agent") = "", py::arg("fingerprint") = "",
           py::arg("timezone") = "", py::arg("language") = "", py::arg("screen") = "",
           py::arg("platform") = "")
      .def_readwrite("user_agent", &ClientSignals::user_agent, "User-Agent header.")
      .def_readwrite("fingerprint", &ClientSignals::fingerprint, "Device fingerprint hash.")
      .def_readwrite("timezone", &ClientSignals::timezone, "Fingerprint component.")
      .def_readwrite("language", &ClientSignals::language, "Fingerprint component.")
      .def_readwrite("screen", &ClientSignals::screen, "Fingerprint component.")
      .def_readwrite("platform", &ClientSignals::platform, "Fingerprint component.")
      .def("__eq__",
           [](const ClientSignals& a, const ClientSignals& b) {
             return a.user_agent == b.user_agent && a.fingerprint == b.fingerprint &&
                    a.timezone == b.timezone && a.language == b.language && a.screen == b.screen &&
                    a.platform == b.platform;
           })
      .def("__repr__", [](const ClientSignals& s) {
        return "ClientSignals(user_agent=" + Quote(s.user_agent) +
               ", fingerprint=" + Quote(s.fingerprint) + ", timezone=" + Quote(s.timezone) +
               ", language=" + Quote(s.language) + ", screen=" + Quote(s.screen) +
               ", platform=" + Quote(s.platform) + ")";
      });

  py::class_<AccessAttempt>(m, "AccessAttempt", "One use of a guest link, as the client sent it.")
      .def(py::init([](py::object kind, std::string client_ip, std::optional<ClientSignals> signals,
                       py::object at, std::string event_id, std::string guest_id) {
             AccessAttempt a;
             a.kind = ToAccessKind(kind);
             a.client_ip = std::move(client_ip);
             if (signals) a.signals = *std::move(signals);
             a.at = at.is_none() ? absl::InfinitePast() : ToTime(at, "at");
             a.event_id = std::move(event_id);
             a.guest_id = std::move(guest_id);
             return a;
           }),
           py::kw_only(), py::arg("kind") = "open", py::arg("client_ip") = "",
           py::arg("signals") = py::none(), py::arg("at") = py::none(), py::arg("event_id") = "",
           py::arg("guest_id") = "",
           "kind: AccessKind or its wire name; at: aware datetime or None (the guard's clock).")
      .def_readwrite("event_id", &AccessAttempt::event_id, "Overwritten by Guard.check.")
      .def_readwrite("guest_id", &AccessAttempt::guest_id, "Overwritten by Guard.check.")
      .def_property(
          "kind", [](const AccessAttempt& a) { return a.kind; },
          [](AccessAttempt& a, py::object v) { a.kind = ToAccessKind(v); },
          "An AccessKind (setter also takes its wire name).")
      .def_property(
          "at", [](const AccessAttempt& a) { return FromTime(a.at); },
          [](AccessAttempt& a, py::object v) {
            a.at = v.is_none() ? absl::InfinitePast() : ToTime(v, "at");
          },
          "When it happened (UTC), or None: Guard.check uses the current time.")
      .def_readwrite("client_ip", &AccessAttempt::client_ip,
                     "Textual IPv4/IPv6 address; \"\" when unknown.")
      .def_readwrite("signals", &AccessAttempt::signals,
                     "A ClientSignals (assign a new one; the attribute returns a copy).")
      .def_readwrite("max_checkins", &AccessAttempt::max_checkins,
                     "People this link admits (1 + plus-ones); 0 = not known. Check-ins from "
                     "more distinct devices are refused (reason checkin_limit).")
      .def("__repr__", [](const AccessAttempt& a) {
        return "AccessAttempt(kind=" + Quote(AccessKindName(a.kind)) +
               ", client_ip=" + Quote(a.client_ip) + ", at=" + Repr(FromTime(a.at)) +
               ", signals=" + Repr(py::cast(a.signals)) + ")";
      });

  py::class_<Reason>(m, "Reason", "One explained contribution to a score.")
      .def(py::init([](std::string code, int score, std::string message) {
             return Reason{std::move(code), score, std::move(message)};
           }),
           py::arg("code"), py::arg("score") = 0, py::arg("message") = "")
      .def_readwrite("code", &Reason::code, "Stable code, e.g. \"new_network\".")
      .def_readwrite("score", &Reason::score, "This finding's sub-score, 0-100.")
      .def_readwrite("message", &Reason::message, "A sentence a host can read.")
      .def(py::self == py::self)
      .def("__repr__", [](const Reason& r) {
        return "Reason(code=" + Quote(r.code) + ", score=" + std::to_string(r.score) +
               ", message=" + Quote(r.message) + ")";
      });

  py::class_<Verdict>(m, "Verdict", "A scored access: 0-100, its band and why.")
      .def_readonly("score", &Verdict::score, "0-100.")
      .def_readonly("band", &Verdict::band, "A Band, against the thresholds used.")
      .def_readonly("reasons", &Verdict::reasons, "list[Reason], strongest first.")
      .def_property_readonly(
          "label", [](const Verdict& v) { return std::string(BandLabel(v.band)); },
          "The band's host label.")
      .def("__repr__", [](const Verdict& v) {
        return "Verdict(score=" + std::to_string(v.score) + ", band=" + Quote(BandName(v.band)) +
               ", reasons=" + ReasonsRepr(v.reasons) + ")";
      });
}

void BindScoring(py::module_& m) {
  py::class_<Baseline>(m, "Baseline",
                       "What one guest normally looks like (devices, networks, times). Fixed "
                       "size; a plain value.")
      .def(py::init<>(), "An empty baseline.")
      .def(
          "learn",
          [](Baseline& b, const AccessAttempt& attempt) {
            b.Learn(Unwrap(AccessFeatures::From(attempt)));
          },
          py::arg("attempt"),
          "Folds one access in. InvalidArgument when its client_ip is not an address.")
      .def_property_readonly("empty", &Baseline::empty, "True before the first learned access.")
      .def_property_readonly("accesses", &Baseline::accesses, "Accesses learned.")
      .def_property_readonly(
          "first_seen",
          [](const Baseline& b) { return b.empty() ? py::none() : FromTime(b.first_seen()); },
          "First learned access (UTC), None when empty.")
      .def_property_readonly(
          "last_seen",
          [](const Baseline& b) { return b.empty() ? py::none() : FromTime(b.last_seen()); },
          "Last learned access (UTC), None when empty.")
      .def_property_readonly(
          "device_count", [](const Baseline& b) { return b.devices().size(); },
          "Known devices (at most 4).")
      .def_property_readonly(
          "network_count", [](const Baseline& b) { return b.networks().size(); },
          "Known networks (at most 8).")
      .def(
          "serialize", [](const Baseline& b) { return py::bytes(b.Serialize()); },
          "The compact versioned binary form stores keep.")
      .def_static(
          "parse",
          [](const py::bytes& bytes) { return Unwrap(Baseline::Parse(std::string(bytes))); },
          py::arg("data"), "Inverse of serialize(); DataLoss for anything else.")
      .def(py::self == py::self)
      .def("__repr__", [](const Baseline& b) {
        return "Baseline(accesses=" + std::to_string(b.accesses()) +
               ", devices=" + std::to_string(b.devices().size()) +
               ", networks=" + std::to_string(b.networks().size()) + ")";
      });

  py::class_<ScoringOptions> options(
      m, "ScoringOptions",
      "Every weight and window of the heuristic scorer (scores are 0-100). "
      "ScoringOptions(new_network_score=50, ...) sets any field by keyword; windows take a "
      "timedelta or seconds.");
  options.def(py::init([](const py::kwargs& kwargs) {
                py::object self = py::cast(ScoringOptions{});
                for (auto [key, value] : kwargs) {
                  const std::string name = key.cast<std::string>();
                  py::object field = py::getattr(py::type::of(self), name.c_str(), py::none());
                  if (name.empty() || name[0] == '_' ||
                      !py::isinstance(field, py::module_::import("builtins").attr("property"))) {
                    throw py::type_error("ScoringOptions() got an unexpected keyword argument " +
                                         Quote(name));
                  }
                  self.attr(name.c_str()) = value;
                }
                return self.cast<ScoringOptions>();
              }),
              "Keyword arguments set the fields of the same name; the rest keep their defaults.");
#define GG_FIELD(name, doc) options.def_readwrite(#name, &ScoringOptions::name, doc)
  GG_FIELD(fingerprint_expected, "Default: True. The embedder's page always sends a fingerprint.");
  GG_FIELD(fingerprint_mismatch_score, "Default: 70. A device the guest never used.");
  GG_FIELD(household_device_score, "Default: 25. An unknown device on the guest's network.");
  GG_FIELD(header_device_mismatch_score, "Default: 35. Another browser, by headers only.");
  GG_FIELD(fingerprint_updated_score, "Default: 10. Same traits, new fingerprint (update).");
  GG_FIELD(fingerprint_partial_score, "Default: 25. Same device, a few components moved.");
  GG_FIELD(fingerprint_same_model_score,
           "Default: 20. Same traits, new fingerprint, device in use.");
  GG_FIELD(fingerprint_inconsistent_score, "Default: 75. A known fingerprint, other traits.");
  GG_FIELD(min_compared_components, "Default: 2.");
  GG_FIELD(max_moved_components, "Default: 1.");
  GG_FIELD(locale_mismatch_score, "Default: 70. An unknown device in another locale.");
  GG_FIELD(ip_same_network_score, "Default: 15. New address in a known /24 or /48.");
  GG_FIELD(known_device_new_network_score, "Default: 15. The guest's device moved.");
  GG_FIELD(changed_device_new_network_score, "Default: 35. A changed device, new network.");
  GG_FIELD(new_network_score, "Default: 45. An unknown device on an unknown network.");
  GG_FIELD(network_hopping_score, "Default: 80. Too many networks in the window.");
  GG_FIELD(network_hopping_count, "Default: 4 networks within network_hopping_window.");
  GG_FIELD(link_forwarded_score, "Default: 70. One stranger more than the party.");
  GG_FIELD(link_shared_score, "Default: 95. Shared beyond the party (conclusive).");
  GG_FIELD(concurrent_use_score, "Default: 75. A stranger while the guest is active.");
  GG_FIELD(contested_seat_uses, "Default: 3. Others' flagged uses that unseat a first opener.");
  GG_FIELD(missing_fingerprint_score, "Default: 40. Only when fingerprint_expected.");
  GG_FIELD(missing_user_agent_score, "Default: 40.");
  GG_FIELD(missing_locale_score, "Default: 15. Neither language nor timezone.");
  GG_FIELD(missing_client_ip_score, "Default: 10.");
  GG_FIELD(automation_user_agent_score, "Default: 90. Conclusive.");
  GG_FIELD(scripted_client_score, "Default: 90. No fingerprint and no language (conclusive).");
  GG_FIELD(automation_markers, "Case-insensitive user-agent substrings (list[str]).");
  GG_FIELD(preview_markers, "Link-preview user-agent substrings (list[str]).");
  GG_FIELD(scanner_networks, "Mail-scanner egress CIDRs (list[str]).");
  GG_FIELD(velocity_free_uses, "Default: 5 uses per velocity_window.");
  GG_FIELD(velocity_base_score, "Default: 50.");
  GG_FIELD(velocity_step_score, "Default: 10 per use beyond the free ones.");
  GG_FIELD(secondary_weight, "Default: 0.15. Share of each non-leading finding, in [0, 1].");
  GG_FIELD(strong_signal_score, "Default: 70. Two such findings are needed to reach high.");
#undef GG_FIELD
  options
      .def_property(
          "network_hopping_window",
          [](const ScoringOptions& o) { return FromDuration(o.network_hopping_window); },
          [](ScoringOptions& o, py::object v) {
            o.network_hopping_window = ToDuration(v, "network_hopping_window");
          },
          "Default: 1 hour (a timedelta; the setter also takes seconds).")
      .def_property(
          "velocity_window",
          [](const ScoringOptions& o) { return FromDuration(o.velocity_window); },
          [](ScoringOptions& o, py::object v) {
            o.velocity_window = ToDuration(v, "velocity_window");
          },
          "Default: 10 minutes (a timedelta; the setter also takes seconds).")
      .def_property(
          "sharing_window", [](const ScoringOptions& o) { return FromDuration(o.sharing_window); },
          [](ScoringOptions& o, py::object v) {
            o.sharing_window = ToDuration(v, "sharing_window");
          },
          "Default: 14 days (a timedelta; the setter also takes seconds).")
      .def_property(
          "concurrency_window",
          [](const ScoringOptions& o) { return FromDuration(o.concurrency_window); },
          [](ScoringOptions& o, py::object v) {
            o.concurrency_window = ToDuration(v, "concurrency_window");
          },
          "Default: 2 hours (a timedelta; the setter also takes seconds).")
      .def_property(
          "same_model_window",
          [](const ScoringOptions& o) { return FromDuration(o.same_model_window); },
          [](ScoringOptions& o, py::object v) {
            o.same_model_window = ToDuration(v, "same_model_window");
          },
          "Default: 48 hours (a timedelta; the setter also takes seconds). Same browser.")
      .def_property(
          "same_model_any_agent_window",
          [](const ScoringOptions& o) { return FromDuration(o.same_model_any_agent_window); },
          [](ScoringOptions& o, py::object v) {
            o.same_model_any_agent_window = ToDuration(v, "same_model_any_agent_window");
          },
          "Default: 24 hours (a timedelta; the setter also takes seconds). Any browser.")
      .def(
          "validate", [](const ScoringOptions& o) { ThrowIfError(o.Validate()); },
          "Raises InvalidArgument naming the first bad field.")
      .def("__repr__", [](const ScoringOptions& o) {
        return "ScoringOptions(fingerprint_mismatch_score=" +
               std::to_string(o.fingerprint_mismatch_score) +
               ", new_network_score=" + std::to_string(o.new_network_score) +
               ", missing_user_agent_score=" + std::to_string(o.missing_user_agent_score) +
               ", automation_user_agent_score=" + std::to_string(o.automation_user_agent_score) +
               ", secondary_weight=" + Repr(py::float_(o.secondary_weight)) + ", ...)";
      });

  auto evaluate = [](const HeuristicScorer& scorer, const AccessAttempt& attempt,
                     std::optional<Baseline> baseline, int recent_uses,
                     std::optional<Thresholds> thresholds) {
    const AccessAttempt a = attempt;
    const AccessFeatures features = Unwrap(AccessFeatures::From(a));
    const Baseline b = baseline.value_or(Baseline());
    const Thresholds t = thresholds.value_or(Thresholds());
    py::gil_scoped_release release;
    return scorer.Evaluate({a, features, b, recent_uses, t});
  };
  py::class_<HeuristicScorer>(m, "HeuristicScorer",
                              "The built-in heuristic scorer. Immutable; thread-safe.")
      .def(py::init([](std::optional<ScoringOptions> options) {
             return Unwrap(HeuristicScorer::Create(options.value_or(ScoringOptions())));
           }),
           py::arg("options") = py::none(), "InvalidArgument for invalid options.")
      .def_property_readonly(
          "options", [](const HeuristicScorer& s) { return s.options(); }, "A copy of the options.")
      .def("evaluate", evaluate, py::arg("attempt"), py::arg("baseline") = py::none(),
           py::arg("recent_uses") = 1, py::arg("thresholds") = py::none(),
           "Scores `attempt` against `baseline` (default: empty, i.e. a first access). "
           "recent_uses counts this token's uses in the velocity window, this one included. "
           "InvalidArgument when attempt.client_ip is not an address.")
      .def("__repr__", [](const HeuristicScorer&) { return std::string("HeuristicScorer(...)"); });

  m.def(
      "score",
      [evaluate](const AccessAttempt& attempt, std::optional<Baseline> baseline, int recent_uses,
                 std::optional<Thresholds> thresholds) {
        static const HeuristicScorer* const kScorer = new HeuristicScorer(ScoringOptions{});
        return evaluate(*kScorer, attempt, std::move(baseline), recent_uses, std::move(thresholds));
      },
      py::arg("attempt"), py::arg("baseline") = py::none(), py::arg("recent_uses") = 1,
      py::arg("thresholds") = py::none(),
      "HeuristicScorer().evaluate(...) with the default options.");
}

}  // namespace

void BindValues(py::module_& m) {
  BindTokens(m);
  BindThresholds(m);
  BindCidr(m);
  BindAccess(m);
  BindScoring(m);
}

}  // namespace guestguard::python
