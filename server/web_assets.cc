// Copyright 2026 GuestGuard authors.
#include "server/web_assets.h"

#include <sodium.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"ico", "image/x-icon"},
    {"json", "application/json"},
    {"webmanifest", "application/manifest+json"},
    {"txt", "text/plain; charset=utf-8"},
};

// A relative path of safe segments, outside tests/.
bool SafePath(std::string_view path) {
  if (path.empty() || path.size() > 256 || path.substr(0, 6) == "tests/") return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view segment = path.substr(start, slash - start);
    if (segment.empty() || segment.front() == '.') return false;
    for (char c : segment) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
      if (!ok) return false;
    }
    start = slash + 1;
  }
  return true;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return std::string(hex);
}

// True when Accept-Encoding lists gzip (without q=0).
bool AcceptsGzip(const Request& request) {
  const std::string* h = request.Header("accept-encoding");
  if (h == nullptr) return false;
  size_t start = 0;
  while (start < h->size()) {
    size_t comma = h->find(',', start);
    if (comma == std::string::npos) comma = h->size();
    std::string_view item(h->data() + start, comma - start);
    start = comma + 1;
    item = TrimSpaces(item);
    const std::string_view coding = TrimSpaces(item.substr(0, item.find(';')));
    if (coding != "gzip" && coding != "*") continue;
    const size_t q = item.find("q=");
    if (q != std::string_view::npos &&
        std::strtod(std::string(item.substr(q + 2)).c_str(), nullptr) <= 0.0) {
      continue;
    }
    return true;
  }
  return false;
}

// True when If-None-Match names `etag` (or is "*").
bool NotModified(const Request& request, std::string_view etag) {
  const std::string* h = request.Header("if-none-match");
  if (h == nullptr) return false;
  if (*h == "*") return true;
  return h->find(etag) != std::string::npos;
}

}  // namespace

std::string_view WebContentType(std::string_view path) {
  const size_t slash = path.rfind('/');
  const size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  const std::string_view ext = path.substr(dot + 1);
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return type;
  }
  return {};
}

std::shared_ptr<const WebAssets> WebAssets::Embedded() {
  std::shared_ptr<WebAssets> assets(new WebAssets());
  for (size_t i = 0; i < internal::kEmbeddedWebAssetCount; ++i) {
    const internal::EmbeddedWebAsset& a = internal::kEmbeddedWebAssets[i];
    assets->embedded_.emplace(a.path, &a);
  }
  return assets;
}

std::shared_ptr<const WebAssets> WebAssets::FromDirectory(std::string dir) {
  std::shared_ptr<WebAssets> assets(new WebAssets());
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  assets->dir_ = std::move(dir);
  return assets;
}

bool WebAssets::Find(std::string_view path, File* file) const {
  if (!SafePath(path)) return false;
  const std::string_view type = WebContentType(path);
  if (type.empty()) return false;
  file->content_type = type;
  if (dir_.empty()) {
    auto it = embedded_.find(path);
    if (it == embedded_.end()) return false;
    const internal::EmbeddedWebAsset& a = *it->second;
    file->sha256 = a.sha256;
    file->body.assign(reinterpret_cast<const char*>(a.body), a.size);
    if (a.gzip != nullptr) file->gzip.assign(reinterpret_cast<const char*>(a.gzip), a.gzip_size);
    return true;
  }
  std::ifstream in(dir_ + "/" + std::string(path), std::ios::binary);
  if (!in) return false;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return false;
  file->body = std::move(bytes).str();
  file->sha256 = Sha256Hex(file->body);
  return true;
}

Response WebAssets::Serve(const Request& request, std::string_view path) const {
  File file;
  if (!Find(path, &file)) return Response::Error(404, "not_found", "no such resource");
  const bool gzip = !file.gzip.empty() && AcceptsGzip(request);
  // Strong: one per representation (the gzip copy is other bytes).
  std::string etag = "\"";
  etag.append(file.sha256, 0, 32);
  etag.append(gzip ? "-gz\"" : "\"");
  Response response;
  response.content_type = std::string(file.content_type);
  response.headers = {{"ETag", etag}, {"Cache-Control", "no-cache"}};
  if (!file.gzip.empty()) response.headers.emplace_back("Vary", "Accept-Encoding");
  if (file.content_type.substr(0, 9) == "text/html") {
    response.headers.emplace_back("Content-Security-Policy", kHtmlContentSecurityPolicy);
  }
  if (NotModified(request, etag)) {
    response.status = 304;
    response.content_type.clear();
    return response;
  }
  response.status = 200;
  if (gzip) {
    response.headers.emplace_back("Content-Encoding", "gzip");
    response.body = std::move(file.gzip);
  } else {
    response.body = std::move(file.body);
  }
  return response;
}

Response WebAssets::Page(const Request& request, std::string_view path) const {
  File file;
  if (!Find(path, &file)) return Response::Error(404, "not_found", "no such resource");
  Response response;
  response.status = 200;
  response.content_type = std::string(file.content_type);
  response.headers = {{"Cache-Control", "no-store"},
                      {"Content-Security-Policy", kHtmlContentSecurityPolicy}};
  if (!file.gzip.empty() && AcceptsGzip(request)) {
    response.headers.emplace_back("Content-Encoding", "gzip");
    response.body = std::move(file.gzip);
  } else {
    response.body = std::move(file.body);
  }
  return response;
}

}  // namespace guestguard::server
