// Copyright 2026 GuestGuard authors.
#include "internal/access_json.h"

#include "internal/json_writer.h"

namespace guestguard::internal {

std::string ReasonsJson(const std::vector<Reason>& reasons) {
  std::string out = "[";
  for (const Reason& r : reasons) {
    if (out.size() > 1) out.push_back(',');
    out += JsonObject()
               .String("code", r.code)
               .Int("score", r.score)
               .String("message", r.message)
               .Finish();
  }
  out.push_back(']');
  return out;
}

std::string AccessJson(const AccessRecord& record, std::string_view id_key, std::string_view at) {
  const ClientSignals& s = record.signals;
  return JsonObject()
      .String(id_key, record.id)
      .String("event_id", record.event_id)
      .String("guest_id", record.guest_id)
      .String("kind", AccessKindName(record.kind))
      .String("at", at)
      .String("client_ip", record.client_ip)
      .Raw("signals", JsonObject()
                          .String("user_agent", s.user_agent)
                          .String("fingerprint", s.fingerprint)
                          .String("timezone", s.timezone)
                          .String("language", s.language)
                          .String("screen", s.screen)
                          .String("platform", s.platform)
                          .Finish())
      .Int("score", record.score)
      .String("band", BandName(record.band))
      .String("label", BandLabel(record.band))
      .Bool("allowlisted", record.allowlisted)
      .Bool("blocked", record.blocked)
      .Raw("reasons", ReasonsJson(record.reasons))
      .Finish();
}

}  // namespace guestguard::internal
