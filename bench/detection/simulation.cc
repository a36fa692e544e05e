// Copyright 2026 GuestGuard authors.
#include "bench/detection/simulation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace guestguard::detection {

const char* LabelName(Label label) {
  switch (label) {
    case Label::kLegitHuman:
      return "legit_human";
    case Label::kLegitBot:
      return "legit_bot";
    case Label::kFraudHuman:
      return "fraud_human";
    case Label::kFraudBot:
      return "fraud_bot";
  }
  return "?";
}

const char* ModeName(Mode mode) { return mode == Mode::kPage ? "A_page" : "B_navigation"; }

const char* FraudName(Fraud fraud) {
  static constexpr std::array<const char*, 13> kNames = {
      "clean", "F1", "F2", "F3a", "F3b", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "mixed"};
  return kNames[static_cast<size_t>(fraud)];
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

Rng SubStream(uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
  return Rng(SplitMix64(SplitMix64(SplitMix64(SplitMix64(seed) ^ a) ^ b) ^ c));
}

namespace {

constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
// Chrome moved to a two-week cycle at Chrome 153, 8 Sep 2026 [S4].
constexpr int64_t kTwoWeekCycleStart = 1788825600;  // 2026-09-08T00:00:00Z

// --- Random draws (own formulas, so reports do not depend on a library's
// distribution implementations) ----------------------------------------------
double U01(Rng& r) { return static_cast<double>(r() >> 11) * (1.0 / 9007199254740992.0); }
double Uniform(Rng& r, double lo, double hi) { return lo + (hi - lo) * U01(r); }
int UniformInt(Rng& r, int lo, int hi) {  // Inclusive.
  return lo + static_cast<int>(U01(r) * (hi - lo + 1));
}
bool Chance(Rng& r, double p) { return U01(r) < p; }
double Normal(Rng& r) {  // Box-Muller.
  const double u1 = std::max(U01(r), 1e-12);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * U01(r));
}
double LogNormal(Rng& r, double median, double sigma) {
  return median * std::exp(sigma * Normal(r));
}
double Exponential(Rng& r, double mean) { return -mean * std::log(std::max(1.0 - U01(r), 1e-12)); }
template <typename T>
const T& Pick(Rng& r, const std::vector<T>& v) {
  return v[static_cast<size_t>(UniformInt(r, 0, static_cast<int>(v.size()) - 1))];
}
// Index by weights.
size_t Weighted(Rng& r, const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  double x = U01(r) * total;
  for (size_t i = 0; i < weights.size(); ++i) {
    if ((x -= weights[i]) < 0) return i;
  }
  return weights.size() - 1;
}

// --- Addresses ----------------------------------------------------------------
struct Prefix4 {
  uint32_t base;
  int len;
};
uint32_t Ip4(int a, int b, int c, int d) {
  return (static_cast<uint32_t>(a) << 24) | (static_cast<uint32_t>(b) << 16) |
         (static_cast<uint32_t>(c) << 8) | static_cast<uint32_t>(d);
}
std::string Str4(uint32_t ip) {
  return absl::StrFormat("%d.%d.%d.%d", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}
// A random /24 inside `p` (as its base address).
uint32_t Random24(Rng& r, Prefix4 p) {
  const uint32_t span = p.len >= 24 ? 1u : (1u << (24 - p.len));
  return p.base + (static_cast<uint32_t>(U01(r) * span) << 8);
}
uint32_t HostIn24(Rng& r, uint32_t net24) {
  return net24 | static_cast<uint32_t>(UniformInt(r, 2, 254));
}
std::string Str6(uint64_t prefix48, uint16_t subnet, uint64_t iid) {
  return absl::StrFormat("%x:%x:%x:%x:%x:%x:%x:%x", (prefix48 >> 32) & 0xffff,
                         (prefix48 >> 16) & 0xffff, prefix48 & 0xffff, subnet, (iid >> 48) & 0xffff,
                         (iid >> 32) & 0xffff, (iid >> 16) & 0xffff, iid & 0xffff);
}

// Synthetic addresses inside real operators' prefixes (§5.3), never inside
// the mail-scanner ranges the engine recognises.
const std::vector<Prefix4> kResidential = {{Ip4(73, 0, 0, 0), 8},    {Ip4(24, 0, 0, 0), 12},
                                           {Ip4(71, 0, 0, 0), 9},    {Ip4(108, 0, 0, 0), 10},
                                           {Ip4(99, 0, 0, 0), 10},   {Ip4(76, 0, 0, 0), 10},
                                           {Ip4(47, 128, 0, 0), 10}, {Ip4(70, 160, 0, 0), 11}};
const std::vector<Prefix4> kCellular = {
    {Ip4(172, 56, 0, 0), 13}, {Ip4(174, 192, 0, 0), 10}, {Ip4(166, 128, 0, 0), 9}};
const std::vector<uint64_t> kCellularV6 = {0x2607fb90ull, 0x2600100aull, 0x26003870ull};  // /32s
const std::vector<Prefix4> kRelay = {{Ip4(172, 224, 0, 0), 12}, {Ip4(104, 28, 0, 0), 16}};
const std::vector<Prefix4> kDatacenter = {{Ip4(3, 0, 0, 0), 9},     {Ip4(159, 203, 0, 0), 16},
                                          {Ip4(95, 216, 0, 0), 15}, {Ip4(34, 64, 0, 0), 10},
                                          {Ip4(20, 0, 0, 0), 11},   {Ip4(138, 197, 0, 0), 16}};
const std::vector<Prefix4> kOffice = {{Ip4(12, 0, 0, 0), 10}, {Ip4(65, 0, 0, 0), 10}};
const std::vector<Prefix4> kHotel = {{Ip4(64, 90, 0, 0), 16}, {Ip4(207, 38, 0, 0), 16}};
// Mail scanners' egress (Microsoft EOP, Proofpoint, Mimecast, Barracuda).
const std::vector<Prefix4> kScanners = {{Ip4(40, 107, 0, 0), 16},    {Ip4(104, 47, 0, 0), 17},
                                        {Ip4(52, 100, 0, 0), 14},    {Ip4(148, 163, 128, 0), 19},
                                        {Ip4(205, 139, 110, 0), 24}, {Ip4(209, 222, 80, 0), 21}};

// --- Geography, devices, user agents ---------------------------------------------
struct Geo {
  std::vector<std::string> timezones;
  std::vector<std::string> languages;  // navigator.languages, joined.
  double wifi_share;                   // Opensignal [S9].
};
const std::vector<Geo> kGeos = {
    {{"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"},
     {"en-US,en", "en-US", "es-US,es,en"},
     0.56},
    {{"America/Toronto", "America/Vancouver"}, {"en-CA,en", "fr-CA,fr,en"}, 0.70},
    {{"Asia/Kolkata"}, {"en-IN,en", "hi-IN,hi,en"}, 0.10}};
const std::vector<double> kGeoWeights = {0.7, 0.2, 0.1};

// Per-model trait tables: same-model, same-locale devices collide (§2, [S6]).
struct Model {
  bool mobile;
  bool apple;
  std::string platform;
  std::vector<std::string> screens;
  std::vector<double> screen_weights;
  int cores;
  std::string memory;  // deviceMemory ("" where the browser hides it).
  int touch;
};
const std::vector<Model> kPhones = {{true,
                                     true,
                                     "iPhone",
                                     {"390x844x24", "393x852x24", "430x932x24", "375x667x24"},
                                     {4, 4, 2, 1},
                                     6,
                                     "",
                                     5},
                                    {true,
                                     false,
                                     "Linux armv81",
                                     {"412x915x24", "360x780x24", "384x854x24", "412x892x24"},
                                     {4, 3, 2, 2},
                                     8,
                                     "8",
                                     5}};
const std::vector<double> kPhoneWeights = {0.55, 0.45};
const std::vector<Model> kComputers = {
    {false, true, "MacIntel", {"1440x900x30", "1512x982x30", "1728x1117x30"}, {3, 3, 1}, 8, "8", 0},
    {false,
     false,
     "Win32",
     {"1920x1080x24", "1536x864x24", "1366x768x24", "2560x1440x24"},
     {5, 3, 2, 1},
     8,
     "8",
     0}};
const std::vector<double> kComputerWeights = {0.4, 0.6};

enum class Browser { kChrome, kSafari, kSamsung, kFirefox };

struct Device {
  int id = 0;
  Model model;
  std::string screen;
  Browser browser = Browser::kChrome;
  uint64_t secret = 0;
  int update_lag_days = 0;
  std::vector<int64_t> config_changes;  // Times of configuration changes (Poisson).
  bool external_screen = false;
};

struct Person {
  int id = 0;
  const Geo* geo = nullptr;
  std::string timezone;
  std::string language;  // navigator form
  uint32_t home24 = 0;   // Current home /24 and address (renumbering moves them).
  uint32_t home_ip = 0;
  bool renumbers = false;
  int64_t next_renumber = 0;
  bool ipv6 = false;
  uint64_t home48 = 0;
  Prefix4 carrier{};
  std::vector<uint32_t> carrier_pool;  // k /24s of the carrier's CGNAT.
  bool per_connection_nat = false;
  uint64_t carrier48_base = 0;
  bool relay = false;
  bool vpn = false;
  uint32_t vpn24 = 0;
  bool enterprise = false;
  uint32_t office24 = 0;
  std::vector<Device> devices;
  int last_device = -1;
  uint32_t last_home24 = 0;
};

int ChromeMajorAt(int64_t t) {
  // Chrome 153 on 8 Sep 2026; four-week cycle before, two weeks after.
  if (t >= kTwoWeekCycleStart)
    return 153 + static_cast<int>((t - kTwoWeekCycleStart) / (14 * kDay));
  return 153 - 1 - static_cast<int>((kTwoWeekCycleStart - t) / (28 * kDay));
}

int MajorOf(const Device& d, int64_t t) {
  const int chrome = ChromeMajorAt(t - d.update_lag_days * kDay);
  switch (d.browser) {
    case Browser::kSafari:
      return 18 + static_cast<int>((t - 1757000000) / (180 * kDay));  // Roughly twice a year.
    case Browser::kFirefox:
      return chrome - 10;
    case Browser::kSamsung:
      return 27 + (chrome - 150) / 8;
    case Browser::kChrome:
      return chrome;
  }
  return chrome;
}

int ConfigEpoch(const Device& d, int64_t t) {
  return static_cast<int>(std::upper_bound(d.config_changes.begin(), d.config_changes.end(), t) -
                          d.config_changes.begin());
}

std::string UserAgent(const Device& d, int64_t t, bool in_app) {
  const int major = MajorOf(d, t);
  if (d.model.apple && d.model.mobile) {
    const int ios = 18 + static_cast<int>((t - 1757000000) / (180 * kDay));  // iOS, with Safari.
    if (in_app) {
      return absl::StrCat("Mozilla/5.0 (iPhone; CPU iPhone OS ", ios,
                          "_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/351.0 "
                          "Mobile/15E148 Safari/604.1");
    }
    if (d.browser == Browser::kChrome) {
      return absl::StrCat("Mozilla/5.0 (iPhone; CPU iPhone OS ", ios,
                          "_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/",
                          ChromeMajorAt(t), ".0.0.0 Mobile/15E148 Safari/604.1");
    }
    return absl::StrCat("Mozilla/5.0 (iPhone; CPU iPhone OS ", ios,
                        "_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/", ios,
                        ".1 Mobile/15E148 Safari/604.1");
  }
  if (d.model.mobile) {  // Reduced Android UA: every device sends the same [S5].
    if (in_app) {
      return absl::StrCat(
          "Mozilla/5.0 (Linux; Android 10; K; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Version/4.0 Chrome/",
          ChromeMajorAt(t), ".0.0.0 Mobile Safari/537.36 Instagram 350.0.0.0");
    }
    if (d.browser == Browser::kSamsung) {
      return absl::StrCat(
          "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
          "SamsungBrowser/",
          major, ".0 Chrome/", ChromeMajorAt(t) - 4, ".0.0.0 Mobile Safari/537.36");
    }
    return absl::StrCat(
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/", major,
        ".0.0.0 Mobile Safari/537.36");
  }
  const std::string os =
      d.model.apple ? "Macintosh; Intel Mac OS X 10_15_7" : "Windows NT 10.0; Win64; x64";
  if (d.browser == Browser::kSafari) {
    return absl::StrCat("Mozilla/5.0 (", os, ") AppleWebKit/605.1.15 (KHTML, like Gecko) Version/",
                        major, ".1 Safari/605.1.15");
  }
  if (d.browser == Browser::kFirefox) {
    return absl::StrCat("Mozilla/5.0 (", os, "; rv:", major, ".0) Gecko/20100101 Firefox/", major,
                        ".0");
  }
  return absl::StrCat("Mozilla/5.0 (", os, ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/",
                      major, ".0.0.0 Safari/537.36");
}

// "en-US,en" → "en-US,en;q=0.9" (what the browser puts in Accept-Language).
std::string AcceptLanguage(const std::string& languages) {
  std::string out;
  double q = 1.0;
  size_t start = 0;
  while (start <= languages.size()) {
    size_t end = languages.find(',', start);
    if (end == std::string::npos) end = languages.size();
    if (!out.empty()) out += ",";
    out += languages.substr(start, end - start);
    if (q < 1.0) out += absl::StrFormat(";q=%.1f", q);
    q -= 0.1;
    start = end + 1;
  }
  return out;
}

std::string Hex(uint64_t v) { return absl::StrFormat("%016x", v); }

// What the page or the browser sends for `device` at `t`.
ClientSignals SignalsOf(const Person& p, const Device& d, int64_t t, Mode mode, bool in_app,
                        const std::string& timezone, bool desk, Rng& r) {
  ClientSignals s;
  s.user_agent = UserAgent(d, t, in_app);
  if (mode == Mode::kNavigation) {
    s.language = AcceptLanguage(p.language);
    return s;
  }
  s.language = p.language;
  s.timezone = timezone;
  // An external monitor only at home or at the office.
  s.screen = desk && d.external_screen && Chance(r, 0.5) ? "2560x1440x24" : d.screen;
  s.platform = absl::StrCat(d.model.platform, ";hc=", d.model.cores, ";dm=", d.model.memory,
                            ";tp=", d.model.touch);
  // The page hashes everything it measures, the browser version included.
  const uint64_t h = SplitMix64(
      d.secret ^ SplitMix64(MajorOf(d, t) * 1000003ull + static_cast<uint64_t>(ConfigEpoch(d, t))) ^
      (in_app ? 0xA11ull : 0) ^ SplitMix64(std::hash<std::string>()(s.timezone + s.screen)));
  s.fingerprint = Hex(h);
  return s;
}

Device MakeDevice(Rng& r, int id, bool mobile, int64_t from, int64_t to) {
  Device d;
  d.id = id;
  d.model =
      mobile ? kPhones[Weighted(r, kPhoneWeights)] : kComputers[Weighted(r, kComputerWeights)];
  d.screen = d.model.screens[Weighted(r, d.model.screen_weights)];
  if (d.model.apple) {
    d.browser = Chance(r, 0.8) ? Browser::kSafari : Browser::kChrome;
  } else if (d.model.mobile) {
    d.browser = Chance(r, 0.8) ? Browser::kChrome : Browser::kSamsung;
  } else {
    d.browser = Chance(r, 0.85) ? Browser::kChrome : Browser::kFirefox;
  }
  d.secret = r();
  d.update_lag_days = UniformInt(r, 0, 4);
  // Configuration changes: Poisson, median 5 days between changes [S1].
  const double mean = 5.0 / std::log(2.0) * kDay;
  for (double t = static_cast<double>(from) + Exponential(r, mean); t < static_cast<double>(to);
       t += Exponential(r, mean)) {
    d.config_changes.push_back(static_cast<int64_t>(t));
  }
  d.external_screen = !mobile && Chance(r, 0.10);
  return d;
}

Person MakePerson(Rng& r, int id, const Geo* geo, const WorldParams& w, int64_t from, int64_t to,
                  int& next_device) {
  Person p;
  p.id = id;
  p.geo = geo;
  p.timezone = Pick(r, geo->timezones);
  p.language = Pick(r, geo->languages);
  p.home24 = Random24(r, Pick(r, kResidential));
  p.home_ip = HostIn24(r, p.home24);
  p.last_home24 = p.home24;
  p.renumbers = !Chance(r, 0.6);  // >60% keep one address [S8].
  p.next_renumber = from + static_cast<int64_t>(Uniform(r, 0, kDay));
  p.ipv6 = Chance(r, 0.5);  // [S12]
  p.home48 = (0x2601ull << 32) | (r() & 0xffffffffull);
  p.carrier = Pick(r, kCellular);
  const int k = 4 << UniformInt(r, 0, 4);  // 4-64 /24s [S10]
  for (int i = 0; i < k; ++i) p.carrier_pool.push_back(Random24(r, p.carrier));
  p.per_connection_nat = Chance(r, 0.3);
  p.carrier48_base = (Pick(r, kCellularV6) << 16) | (r() & 0xfff0ull);
  p.relay = Chance(r, w.relay_share);
  p.vpn = Chance(r, w.vpn_share);
  p.vpn24 = Random24(r, Pick(r, kDatacenter));
  p.enterprise = Chance(r, w.enterprise_share);
  p.office24 = Random24(r, Pick(r, kOffice));
  const int devices = 1 + static_cast<int>(Weighted(r, {0.35, 0.45, 0.20}));
  for (int i = 0; i < devices; ++i) {
    const bool mobile =
        i == 0 ? Chance(r, std::min(1.0, w.mobile_share + 0.25)) : Chance(r, w.mobile_share);
    p.devices.push_back(MakeDevice(r, next_device++, mobile, from - 60 * kDay, to + kDay));
  }
  return p;
}

const Device* PhoneOf(const Person& p) {
  for (const Device& d : p.devices) {
    if (d.model.mobile) return &d;
  }
  return nullptr;
}

enum class Place { kHome, kOffice, kVenue, kHotel };

// The address a device of `p` has at `t` at `place`; `tags` collects the
// behaviours it exercised (L2-L6).
std::string AddressOf(Rng& r, Person& p, const Device& d, int64_t t, Place place,
                      const WorldParams& w, uint32_t venue24, std::string& tag) {
  // Home renumbering: the 40% that change do so about daily [S7, S8].
  while (p.renumbers && t >= p.next_renumber) {
    if (Chance(r, 0.25)) {
      p.home_ip = HostIn24(r, p.home24);
    } else {
      p.home24 = Random24(r, Pick(r, kResidential));
      p.home_ip = HostIn24(r, p.home24);
    }
    p.next_renumber += static_cast<int64_t>(kDay * Uniform(r, 0.8, 1.2));
  }
  if (d.model.apple && d.browser == Browser::kSafari && p.relay && place != Place::kVenue) {
    tag = "L6";  // Private Relay: shared egress from the area's pool, per session [S15].
    Rng area = SubStream(static_cast<uint64_t>(p.home24 >> 16), 77);
    const Prefix4 relay = kRelay[static_cast<size_t>(area() % kRelay.size())];
    std::vector<uint32_t> pool;
    for (int i = 0; i < 32; ++i) pool.push_back(Random24(area, relay));
    return Str4(HostIn24(r, Pick(r, pool)));
  }
  if (p.vpn && place != Place::kVenue && Chance(r, 0.5)) {
    tag = "L6";
    return Str4(HostIn24(r, p.vpn24));
  }
  const bool cellular = d.model.mobile && !Chance(r, p.geo->wifi_share);
  if (place == Place::kVenue && !cellular) return Str4(venue24 | 10);  // One NAT address.
  if (place == Place::kHotel && !cellular) {
    tag = "L13";
    return Str4(HostIn24(r, Random24(r, Pick(r, kHotel))));
  }
  if (cellular) {
    tag = place == Place::kHotel ? "L13" : "L3";
    if (Chance(r, 0.35)) {  // IPv6 on cellular: a new /64 per session across several /48s [S13].
      tag = place == Place::kHotel ? "L13" : "L4";
      const uint64_t p48 = p.carrier48_base + static_cast<uint64_t>(UniformInt(r, 0, 3));
      return Str6(p48, static_cast<uint16_t>(r()), r());
    }
    if (p.per_connection_nat) tag = place == Place::kHotel ? "L13" : "L4";
    return Str4(HostIn24(r, Pick(r, p.carrier_pool)));
  }
  if (place == Place::kOffice) return Str4(HostIn24(r, p.office24));
  // Home Wi-Fi: dual stack flips family [S14]; v6 IID rotates daily inside the /64 [S11].
  if (p.ipv6 && Chance(r, w.family_switch)) {
    tag = "L5";
    return Str6(p.home48, 1, SplitMix64(static_cast<uint64_t>(t / kDay) ^ d.secret));
  }
  if (p.home24 != p.last_home24) tag = "L2";
  p.last_home24 = p.home24;
  return Str4(p.home_ip);
}

struct Builder {
  Rng r;
  Mode mode;
  const WorldParams& w;
  SimEvent ev;
  std::deque<Person> people;  // Index = person id; references stay valid as it grows.
  int next_device = 0;
  uint32_t venue24 = 0;
  std::string event_timezone;

  Person& NewPerson(const Geo* geo) {
    people.push_back(MakePerson(r, static_cast<int>(people.size()), geo, w,
                                ev.starts_at - 70 * kDay, ev.starts_at + kDay, next_device));
    return people.back();
  }

  void Add(int guest, int64_t at, AccessKind kind, std::string ip, ClientSignals s, Label label,
           std::string scenario, int person, int device, int incident = -1) {
    SimAccess a;
    a.at = at;
    a.guest = guest;
    a.kind = kind;
    a.client_ip = std::move(ip);
    a.signals = std::move(s);
    a.label = label;
    a.scenario = std::move(scenario);
    a.person = person;
    a.device = device;
    a.incident = incident;
    ev.accesses.push_back(std::move(a));
  }

  // A person's human use of the link on device `di` at `t`, with its tags.
  void Human(int guest, Person& p, int di, int64_t t, AccessKind kind, Place place,
             std::string scenario, bool in_app = false, Label label = Label::kLegitHuman,
             int incident = -1, bool travelling = false) {
    const Device& d = p.devices[static_cast<size_t>(di)];
    std::string tag;
    std::string ip = AddressOf(r, p, d, t, place, w, venue24, tag);
    const std::string tz = travelling ? event_timezone : p.timezone;
    ClientSignals s =
        SignalsOf(p, d, t, mode, in_app, tz, place == Place::kHome || place == Place::kOffice, r);
    if (scenario.empty()) {
      scenario = travelling                                  ? "L13"
                 : in_app                                    ? "L10"
                 : p.last_device >= 0 && p.last_device != di ? "L15"
                 : !tag.empty()                              ? tag
                                                             : "L1";
    }
    p.last_device = di;
    Add(guest, t, kind, std::move(ip), std::move(s), label, std::move(scenario), p.id, d.id,
        incident);
  }

  void Bot(int guest, int64_t t, std::string ip, ClientSignals s, Label label, std::string scenario,
           int incident = -1) {
    Add(guest, t, AccessKind::kOpen, std::move(ip), std::move(s), label, std::move(scenario), -1,
        -1, incident);
  }

  // L11: chat apps unfurl the link when it is shared [S19-S21].
  void Previews(int guest, int64_t t, uint32_t sender_ip) {
    struct Unfurler {
      const char* ua;
      Prefix4 from;
      bool from_sender;
    };
    static const std::vector<Unfurler> kUnfurlers = {
        {"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
         {Ip4(54, 0, 0, 0), 8},
         false},
        {"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
         {Ip4(31, 13, 64, 0), 18},
         false},
        {"WhatsApp/2.23.18.78 i", {0, 32}, true},
        {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) "
         "Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
         {0, 32},
         true},
        {"LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
         {Ip4(108, 174, 0, 0), 20},
         false},
        {"Mozilla/5.0 (compatible; Linespider/1.1; +https://lin.ee/4dwXkTH)",
         {Ip4(147, 92, 128, 0), 17},
         false},
        {"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
         {Ip4(35, 192, 0, 0), 12},
         false},
        {"TelegramBot (like TwitterBot)", {Ip4(149, 154, 160, 0), 20}, false},
        {"Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
         {Ip4(52, 112, 0, 0), 14},
         false},
        {"Twitterbot/1.0", {Ip4(199, 16, 156, 0), 22}, false}};
    const int n = UniformInt(r, 0, 3);
    const Unfurler& u = Pick(r, kUnfurlers);
    for (int i = 0; i < n; ++i) {
      const uint32_t ip = u.from_sender ? sender_ip : HostIn24(r, Random24(r, u.from));
      ClientSignals s;
      s.user_agent = u.ua;
      // In mode A the unfurler only fetches the HTML shell: it never reaches the engine.
      if (mode == Mode::kPage) return;
      Bot(guest, t + UniformInt(r, 1, 30), Str4(ip), s, Label::kLegitBot, "L11");
    }
  }

  // L12: a mail-security scanner opens the link twice, 20-60 s after delivery [S22].
  void Scanner(int guest, int64_t delivered) {
    static const std::vector<std::string> kAgents = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/156.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/97.0.4692.99 Safari/537.36",
        ""};
    const std::string& ua = Pick(r, kAgents);
    const bool runs_js = Chance(r, w.scanner_runs_js);
    if (mode == Mode::kPage && !runs_js) return;  // Only the shell: nothing reaches the engine.
    const uint32_t net = Random24(r, Pick(r, kScanners));
    const int64_t t = delivered + UniformInt(r, 20, 60);
    for (int i = 0; i < 2; ++i) {
      ClientSignals s;
      s.user_agent = ua;
      if (mode == Mode::kPage) {
        s.language = "en-US";
        s.timezone = "UTC";
        s.screen = "1280x720x24";
        s.platform = "Win32;hc=2;dm=4;tp=0";
        s.fingerprint = Hex(r());
      } else if (!ua.empty()) {
        s.language = "en-US,en;q=0.9";
      }
      Bot(guest, t + i * UniformInt(r, 1, 5), Str4(HostIn24(r, net)), s, Label::kLegitBot, "L12");
    }
  }
};

// The legitimate life of one invitation (§5.2): invite, opens, RSVP, door.
struct GuestPlan {
  int64_t invite_at = 0;
  int64_t first_open = 0;
  bool attends = false;
  int first_device = 0;
};

GuestPlan LegitGuest(Builder& b, int g, int person, bool skip_checkin) {
  SimEvent& ev = b.ev;
  Rng& r = b.r;
  const SimGuest& guest = ev.guests[static_cast<size_t>(g)];
  GuestPlan plan;
  plan.invite_at = ev.starts_at - static_cast<int64_t>(Uniform(r, 21, 60) * kDay);
  Person& p = b.people[static_cast<size_t>(person)];
  if (Chance(r, b.w.chat_share)) b.Previews(g, plan.invite_at, Ip4(198, 18, 0, 1));
  if (p.enterprise) b.Scanner(g, plan.invite_at);
  plan.first_open = std::min<int64_t>(
      plan.invite_at + static_cast<int64_t>(LogNormal(r, kDay, 1.2)), ev.starts_at - 3 * kHour);
  const Device* phone = PhoneOf(p);
  const int n = static_cast<int>(p.devices.size());
  int di = phone != nullptr && Chance(r, 0.6) ? static_cast<int>(phone - p.devices.data())
                                              : UniformInt(r, 0, n - 1);
  plan.first_device = di;
  auto place_at = [&](int64_t t) {
    const bool weekday = ((t / kDay) + 4) % 7 < 5;
    const int64_t hour = (t % kDay) / kHour;
    return p.enterprise && weekday && hour >= 13 && hour <= 22 && !p.devices[di].model.mobile
               ? Place::kOffice
               : Place::kHome;
  };
  const bool in_app = p.devices[static_cast<size_t>(di)].model.mobile && Chance(r, 0.5);
  b.Human(g, p, di, plan.first_open, AccessKind::kOpen, place_at(plan.first_open), "", in_app);
  // L8: a partner opens it on the same laptop at home.
  if (Chance(r, 0.1)) {
    b.Human(g, p, di, plan.first_open + UniformInt(r, 600, 20000), AccessKind::kOpen, Place::kHome,
            "L8");
  }
  // RSVP (85% answer; 15-20% decline [S35]) within 14 days; another device with the L15 share.
  int64_t t = plan.first_open;
  bool yes = false;
  if (Chance(r, 0.85)) {
    t = std::min<int64_t>(plan.first_open + static_cast<int64_t>(Uniform(r, 0, 14) * kDay),
                          ev.starts_at - 2 * kHour);
    const int rsvp_device = n > 1 && Chance(r, b.w.multi_device_share) ? (di + 1) % n : di;
    b.Human(g, p, rsvp_device, t, AccessKind::kRsvp, place_at(t), "");
    yes = !Chance(r, 0.2);
    if (guest.plus_ones > 0 && yes) b.Previews(g, t + 120, p.home_ip);  // Forwarded to the party.
  }
  // A few look-ups before the day, and the reminder at T-7 for those who did not answer.
  const int extra = static_cast<int>(Weighted(r, {0.45, 0.35, 0.15, 0.05}));
  for (int i = 0; i < extra; ++i) {
    const int64_t at = static_cast<int64_t>(Uniform(r, static_cast<double>(plan.first_open),
                                                    static_cast<double>(ev.starts_at - kHour)));
    const int d = n > 1 && Chance(r, b.w.multi_device_share) ? UniformInt(r, 0, n - 1) : di;
    b.Human(g, p, d, at, AccessKind::kOpen, place_at(at), "");
  }
  plan.attends = yes && Chance(r, 0.9);
  if (!plan.attends || skip_checkin) return plan;
  // The door: a 45-minute window peaking 10 minutes after doors open (§5.2).
  const double u = U01(r);
  const double minutes = u < 10.0 / 45 ? std::sqrt(u * 45 * 10) : 45 - std::sqrt((1 - u) * 45 * 35);
  const int64_t door = ev.starts_at + static_cast<int64_t>(minutes * kMinute);
  const int door_device = phone != nullptr ? static_cast<int>(phone - p.devices.data()) : di;
  const Place where = Place::kVenue;
  if (Chance(r, 0.5)) {
    b.Human(g, p, door_device, door - UniformInt(r, 60, 600), AccessKind::kOpen, where, "", false,
            Label::kLegitHuman, -1, guest.destination);
  }
  b.Human(g, p, door_device, door, AccessKind::kCheckin, where, "", false, Label::kLegitHuman, -1,
          guest.destination);
  if (Chance(r, 0.15)) {  // L14: retries on a slow venue network, 6-12 uses in 10 minutes.
    const int retries = UniformInt(r, 5, 11);
    for (int i = 1; i <= retries; ++i) {
      b.Human(g, p, door_device, door + i * UniformInt(r, 20, 55), AccessKind::kCheckin, where,
              "L14", false, Label::kLegitHuman, -1, guest.destination);
    }
  }
  // L9: plus-ones with their own phones (same geography; half share the household).
  for (int k = 0; k < guest.plus_ones; ++k) {
    if (!Chance(r, 0.6)) continue;
    Person& q = b.NewPerson(p.geo);
    q.language = p.language;
    q.timezone = p.timezone;
    if (Chance(r, 0.5)) {
      q.home24 = p.home24;
      q.home_ip = p.home_ip;
      q.last_home24 = p.home24;
      q.renumbers = false;
    }
    const Device* qp = PhoneOf(q);
    const int qd = qp != nullptr ? static_cast<int>(qp - q.devices.data()) : 0;
    if (Chance(r, 0.3)) {
      const int64_t at = static_cast<int64_t>(
          Uniform(r, static_cast<double>(t), static_cast<double>(ev.starts_at - kHour)));
      b.Human(g, q, qd, at, AccessKind::kOpen, Place::kHome, "L9");
    }
    if (Chance(r, 0.6)) {
      b.Human(g, q, qd, door + UniformInt(r, -120, 300), AccessKind::kCheckin, where, "L9", false,
              Label::kLegitHuman, -1, guest.destination);
    }
  }
  return plan;
}

// A stranger's device and network: a friend, a buyer, a visitor of a post.
// Someone from the guest's own area mostly shares the time zone and often the
// languages.
Person& Stranger(Builder& b, const Person& guest, double same_geo) {
  const bool local = Chance(b.r, same_geo);
  Person& p = b.NewPerson(local ? guest.geo : &kGeos[Weighted(b.r, kGeoWeights)]);
  if (local && Chance(b.r, 0.8)) p.timezone = guest.timezone;
  if (local && Chance(b.r, 0.6)) p.language = guest.language;
  return p;
}

int PhoneIndex(const Person& p) {
  const Device* d = PhoneOf(p);
  return d != nullptr ? static_cast<int>(d - p.devices.data()) : 0;
}

void InjectFraud(Builder& b, Fraud fraud, int g, int person, const GuestPlan& plan) {
  Rng& r = b.r;
  SimEvent& ev = b.ev;
  const int incident = ev.incidents++;
  Person& guest = b.people[static_cast<size_t>(person)];
  const std::string name(FraudName(fraud));
  auto uses_after = [&](Person& x, int di, int64_t start, int n, Label label, Place place) {
    int64_t t = start;
    for (int i = 0; i < n; ++i) {
      const AccessKind kind = i == 1 && Chance(r, 0.3) ? AccessKind::kRsvp : AccessKind::kOpen;
      b.Human(g, x, di, std::min(t, ev.starts_at - kMinute), kind, place, name, false, label,
              incident);
      t += static_cast<int64_t>(Uniform(r, kHour, 5 * kDay));
    }
  };
  auto datacenter_ip = [&] { return Str4(HostIn24(r, Random24(r, Pick(r, kDatacenter)))); };
  const int64_t after_first = plan.first_open + static_cast<int64_t>(LogNormal(r, kDay, 1.0));
  switch (fraud) {
    case Fraud::kNone:
    case Fraud::kMixed:  // Drawn per guest by BuildEvent.
      return;
    case Fraud::kF1: {  // Forwarded to a friend: own device and ISP [S27].
      Person& f = Stranger(b, guest, 0.8);
      const int64_t start =
          Chance(r, 0.3) ? plan.first_open + UniformInt(r, 5, 90) * kMinute : after_first;
      uses_after(f, PhoneIndex(f), start, UniformInt(r, 1, 3), Label::kFraudHuman, Place::kHome);
      return;
    }
    case Fraud::kF2: {  // A look-alike: same phone model and locale [S6, S17].
      Person& f = Stranger(b, guest, 1.0);
      f.timezone = guest.timezone;
      f.language = guest.language;
      // The same model, browser and settings as the device the guest used.
      const Device& gd = guest.devices[static_cast<size_t>(plan.first_device)];
      Device& fd = f.devices[static_cast<size_t>(PhoneIndex(f))];
      fd.model = gd.model;
      fd.screen = gd.screen;
      fd.browser = gd.browser;
      fd.update_lag_days = gd.update_lag_days;
      fd.external_screen = false;
      if (Chance(r, 0.5)) {  // The same household or office network.
        f.home24 = guest.home24;
        f.home_ip = HostIn24(r, guest.home24);
        f.last_home24 = guest.home24;
        f.renumbers = false;
        f.relay = f.vpn = false;
      }
      uses_after(f, PhoneIndex(f), after_first, UniformInt(r, 1, 3), Label::kFraudHuman,
                 Place::kHome);
      return;
    }
    case Fraud::kF3a:
    case Fraud::kF3b: {  // Posted publicly: many devices and networks [S27].
      const bool burst = fraud == Fraud::kF3a;
      const int n = burst ? UniformInt(r, 20, 500) : UniformInt(r, 5, 50);
      const int64_t start = after_first;
      const double span = burst ? Uniform(r, 10, 60) * kMinute : Uniform(r, 1, 10) * kDay;
      int index = 0;
      for (int i = 0; i < n; ++i) {
        Person& v = Stranger(b, guest, 0.7);
        int64_t at = start + static_cast<int64_t>(span * i / n);
        if (!burst) at += UniformInt(r, 0, 150);  // At most ~4 per 10 minutes.
        b.Human(g, v, PhoneIndex(v) % static_cast<int>(v.devices.size()),
                std::min(at, ev.starts_at - kMinute), AccessKind::kOpen, Place::kHome, name, false,
                Label::kFraudHuman, incident);
        b.ev.accesses.back().foreign_index = ++index;
      }
      return;
    }
    case Fraud::kF4: {  // Scripted replay from datacenters [S25].
      static const std::vector<std::string> kScripts = {"curl/8.5.0", "python-requests/2.31.0",
                                                        "Go-http-client/2.0", "Wget/1.21.4"};
      const int64_t start =
          Chance(r, 0.5)
              ? plan.invite_at +
                    static_cast<int64_t>(Uniform(r, 0.2, 0.9) *
                                         static_cast<double>(plan.first_open - plan.invite_at))
              : after_first;
      const int n = UniformInt(r, 1, 5);
      const std::string ua = Pick(r, kScripts);
      for (int i = 0; i < n; ++i) {
        ClientSignals s;
        s.user_agent = ua;
        b.Add(g, start + i * UniformInt(r, 1, 600),
              i % 3 == 2 ? AccessKind::kRsvp : AccessKind::kOpen, datacenter_ip(), s,
              Label::kFraudBot, name, -1, -1, incident);
      }
      return;
    }
    case Fraud::kF5: {  // Unmodified headless Chrome [S24].
      const int n = UniformInt(r, 1, 5);
      const int64_t start = Chance(r, 0.5) ? plan.invite_at + kHour : after_first;
      for (int i = 0; i < n; ++i) {
        ClientSignals s;
        s.user_agent =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/156.0.0.0 Safari/537.36";
        s.language = b.mode == Mode::kPage ? "en-US" : "en-US";
        if (b.mode == Mode::kPage) {
          s.timezone = "UTC";
          s.screen = "800x600x24";
          s.platform = "Linux x86_64;hc=4;dm=8;tp=0";
          s.fingerprint = Hex(r());
        }
        b.Add(g, start + i * UniformInt(r, 5, 900), AccessKind::kOpen, datacenter_ip(), s,
              Label::kFraudBot, name, -1, -1, incident);
      }
      return;
    }
    case Fraud::kF6: {  // Stealth automation through a residential proxy [S24, S26].
      const int n = UniformInt(r, 1, 5);
      const int64_t start = after_first;
      const bool copied = Chance(r, 0.5);
      std::string guest_fp;
      for (const SimAccess& a : ev.accesses) {
        if (a.guest == g && a.person == person && !a.signals.fingerprint.empty()) {
          guest_fp = a.signals.fingerprint;
        }
      }
      for (int i = 0; i < n; ++i) {
        ClientSignals s;
        s.user_agent =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/156.0.0.0 Safari/537.36";
        s.language = b.mode == Mode::kPage ? "en-US,en" : "en-US,en;q=0.9";
        if (b.mode == Mode::kPage) {
          s.timezone = Pick(r, kGeos[0].timezones);
          s.screen = "1920x1080x24";
          s.platform = "Win32;hc=8;dm=8;tp=0";
          s.fingerprint = copied && !guest_fp.empty() ? guest_fp : Hex(r());
        }
        const std::string ip = Str4(HostIn24(r, Random24(r, Pick(r, kResidential))));
        b.Add(g, start + i * UniformInt(r, 60, 7200),
              i == n - 1 && n > 1 ? AccessKind::kRsvp : AccessKind::kOpen, ip, s, Label::kFraudBot,
              name, -1, -1, incident);
      }
      return;
    }
    case Fraud::kF7:    // A scalper resells check-in access [S28].
    case Fraud::kF8: {  // A second person at the door with a screenshot.
      const int buyers = fraud == Fraud::kF7 ? UniformInt(r, 1, 5) : 1;
      int64_t door = ev.starts_at + UniformInt(r, 2, 40) * kMinute;
      for (const SimAccess& a : ev.accesses) {
        if (a.guest == g && a.kind == AccessKind::kCheckin && a.person == person) {
          door = fraud == Fraud::kF8 && Chance(r, 0.5) ? a.at - UniformInt(r, 60, 900)
                                                       : a.at + UniformInt(r, 60, 900);
          break;
        }
      }
      for (int i = 0; i < buyers; ++i) {
        Person& buyer = Stranger(b, guest, 0.9);
        b.Human(g, buyer, PhoneIndex(buyer), door + i * UniformInt(r, 30, 400),
                AccessKind::kCheckin, Place::kVenue, name, false, Label::kFraudHuman, incident);
      }
      return;
    }
    case Fraud::kF9: {  // First-use hijack: before the guest's first open [S22, S27].
      Person& f = Stranger(b, guest, 0.8);
      const int64_t t = plan.invite_at +
                        static_cast<int64_t>(Uniform(r, 0.05, 0.8) *
                                             static_cast<double>(plan.first_open - plan.invite_at));
      uses_after(f, PhoneIndex(f), t, UniformInt(r, 1, 2), Label::kFraudHuman, Place::kHome);
      return;
    }
    case Fraud::kF10: {  // Velocity griefing, then the guest on a new phone.
      Person& f = Stranger(b, guest, 0.8);
      const int hits = UniformInt(r, 8, 15);
      const int64_t start = after_first;
      for (int i = 0; i < hits; ++i) {
        b.Human(g, f, PhoneIndex(f), start + i * UniformInt(r, 20, 70), AccessKind::kOpen,
                Place::kHome, name, false, Label::kFraudHuman, incident);
      }
      guest.devices.push_back(
          MakeDevice(r, b.next_device++, true, ev.starts_at - 70 * kDay, ev.starts_at + kDay));
      b.Human(g, guest, static_cast<int>(guest.devices.size()) - 1,
              start + hits * 70 + UniformInt(r, 60, 1200), AccessKind::kOpen, Place::kHome, "F10");
      return;
    }
  }
}

}  // namespace

SimEvent BuildEvent(uint64_t seed, int index, int size, Mode mode, Fraud fraud, double fraud_share,
                    const WorldParams& params) {
  Builder b{SubStream(seed, static_cast<uint64_t>(index), static_cast<uint64_t>(size),
                      static_cast<uint64_t>(fraud)),
            mode,
            params,
            SimEvent{},
            {},
            0,
            0,
            {}};
  Rng& r = b.r;
  // Events between December 2026 and June 2027, doors at 18:00-20:00 UTC.
  b.ev.starts_at = 1796083200 + static_cast<int64_t>(UniformInt(r, 0, 180)) * kDay +
                   UniformInt(r, 18, 20) * kHour;
  b.venue24 = Random24(r, Pick(r, kResidential));
  b.ev.venue_cidr = absl::StrCat(Str4(b.venue24), "/24");
  const bool destination = Chance(r, 0.1);  // L13: a destination event.
  const Geo& geo = kGeos[Weighted(r, kGeoWeights)];
  b.event_timezone = destination ? "Europe/Lisbon" : geo.timezones[0];
  // Fraud targets: fraud_share of the guests, at least one, chosen up front.
  std::vector<bool> targeted(static_cast<size_t>(size), false);
  if (fraud != Fraud::kNone) {
    const int n = std::max(1, static_cast<int>(std::lround(fraud_share * size)));
    for (int i = 0; i < n; ++i) targeted[static_cast<size_t>(UniformInt(r, 0, size - 1))] = true;
  }
  for (int g = 0; g < size; ++g) {
    SimGuest guest;
    guest.plus_ones = static_cast<int>(Weighted(r, {0.5, 0.4, 0.07, 0.03}));
    guest.destination = destination;
    b.ev.guests.push_back(guest);
    Rng person_rng =
        SubStream(seed, static_cast<uint64_t>(index), 1000003ull + g, static_cast<uint64_t>(fraud));
    std::swap(b.r, person_rng);
    b.NewPerson(Chance(b.r, 0.85) ? &geo : &kGeos[Weighted(b.r, kGeoWeights)]);
    const int person = static_cast<int>(b.people.size()) - 1;
    const bool hit = targeted[static_cast<size_t>(g)];
    // The mixed run draws each targeted guest's scenario (the others draw
    // nothing here, so their streams are those of the single-scenario runs).
    const Fraud scenario = hit && fraud == Fraud::kMixed
                               ? static_cast<Fraud>(UniformInt(b.r, static_cast<int>(Fraud::kF1),
                                                               static_cast<int>(Fraud::kF10)))
                               : fraud;
    const bool seller = hit && scenario == Fraud::kF7 && Chance(b.r, 0.8);
    const GuestPlan plan = LegitGuest(b, g, person, seller);
    if (hit) InjectFraud(b, scenario, g, person, plan);
    std::swap(b.r, person_rng);
  }
  std::stable_sort(b.ev.accesses.begin(), b.ev.accesses.end(),
                   [](const SimAccess& x, const SimAccess& y) { return x.at < y.at; });
  // Whether the guest's own device used the link within the 2 hours before.
  std::map<int, std::vector<int64_t>> own_uses;  // guest → times of the guest's own uses
  std::vector<int> guest_person(static_cast<size_t>(size), -1);
  for (SimAccess& a : b.ev.accesses) {
    if (a.label == Label::kLegitHuman && a.scenario != "L9" && a.scenario != "L8") {
      if (guest_person[static_cast<size_t>(a.guest)] < 0)
        guest_person[static_cast<size_t>(a.guest)] = a.person;
    }
  }
  for (SimAccess& a : b.ev.accesses) {
    auto& uses = own_uses[a.guest];
    for (auto it = uses.rbegin(); it != uses.rend() && *it >= a.at - 2 * kHour; ++it) {
      a.guest_active = true;
    }
    if (a.person == guest_person[static_cast<size_t>(a.guest)]) uses.push_back(a.at);
  }
  return std::move(b.ev);
}

}  // namespace guestguard::detection
