// Copyright 2026 GuestGuard authors.
//
// Token signing and verification against their anchor: one raw, reused
// OpenSSL HMAC-SHA256 context over a message as long as a token's signed part
// (BM_HmacSha256Raw). Target: BM_TokenVerify >= 0.7x its throughput.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <string>

#include "benchmark/benchmark.h"
#include "guestguard/token.h"

namespace guestguard {
namespace {

// A keyring and a token shaped like the reference server's (short ids, no expiry).
struct TokenWorkload {
  Keyring keyring;
  TokenClaims claims;
  std::string token;
};

const TokenWorkload& Workload() {
  static const TokenWorkload* w = [] {
    auto* out = new TokenWorkload;
    out->keyring = *Keyring::Parse(
        "k2:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8,"
        "k1:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8");
    out->claims.event_id = "ev-8f3k2m9q";
    out->claims.guest_id = "gu-k29d8s7x1q";
    out->claims.generation = 3;
    out->claims.issued_at = absl::FromUnixSeconds(1795000000);
    out->token = *SignToken(out->keyring, out->claims);
    return out;
  }();
  return *w;
}

void BM_HmacSha256Raw(benchmark::State& state) {
  const std::string& token = Workload().token;
  const std::string message = token.substr(0, token.rfind('.'));  // The signed part.
  const std::string key(32, 'k');
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params);
  unsigned char out[32];
  size_t out_len = 0;
  for (auto _ : state) {
    EVP_MAC_init(ctx, nullptr, 0, nullptr);
    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    EVP_MAC_final(ctx, out, &out_len, sizeof(out));
    benchmark::DoNotOptimize(out);
  }
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("message " + std::to_string(message.size()) + " bytes");
}
BENCHMARK(BM_HmacSha256Raw);

void BM_TokenVerify(benchmark::State& state) {
  const TokenWorkload& w = Workload();
  const absl::Time now = absl::FromUnixSeconds(1795000100);
  for (auto _ : state) {
    TokenVerification v = VerifyToken(w.keyring, w.token, now);
    if (!v.ok()) state.SkipWithError("token did not verify");
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("token " + std::to_string(w.token.size()) + " chars; anchor BM_HmacSha256Raw");
}
BENCHMARK(BM_TokenVerify);

void BM_TokenSign(benchmark::State& state) {
  const TokenWorkload& w = Workload();
  for (auto _ : state) {
    auto token = SignToken(w.keyring, w.claims);
    benchmark::DoNotOptimize(token);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("anchor BM_HmacSha256Raw");
}
BENCHMARK(BM_TokenSign);

}  // namespace
}  // namespace guestguard
