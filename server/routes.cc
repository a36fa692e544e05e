// Copyright 2026 GuestGuard authors.
#include "server/routes.h"

#include <iterator>
#include <utility>

#include "server/handlers/accounts.h"
#include "server/handlers/events.h"
#include "server/handlers/guests.h"
#include "server/handlers/health.h"
#include "server/handlers/rsvp.h"

namespace guestguard::server {

void RegisterRoutes(Router& router, AppState& app) {
  // Health.
  router.Add("GET", "/healthz", Healthz);
  router.Add("GET", "/readyz",
             [&app](const Request& req, const Params& params) { return Readyz(app, req, params); });

  // Accounts.
  router.Add("POST", "/auth/signup",
             [&app](const Request& req, const Params& params) { return Signup(app, req, params); });
  router.Add("POST", "/auth/login",
             [&app](const Request& req, const Params& params) { return Login(app, req, params); });
  router.Add("POST", "/auth/logout",
             [&app](const Request& req, const Params& params) { return Logout(app, req, params); });
  router.Add("GET", "/me",
             [&app](const Request& req, const Params& params) { return Me(app, req, params); });

  // Events.
  router.Add("POST", "/events", [&app](const Request& req, const Params& params) {
    return CreateEvent(app, req, params);
  });
  router.Add("GET", "/events", [&app](const Request& req, const Params& params) {
    return ListEvents(app, req, params);
  });
  router.Add("GET", "/events/{id}", [&app](const Request& req, const Params& params) {
    return GetEvent(app, req, params);
  });
  router.Add("PATCH", "/events/{id}", [&app](const Request& req, const Params& params) {
    return PatchEvent(app, req, params);
  });
  router.Add("DELETE", "/events/{id}", [&app](const Request& req, const Params& params) {
    return DeleteEvent(app, req, params);
  });

  // Guests (editor+ writes, viewer+ reads) and their links.
  const std::pair<const char*, const char*> guest_routes[] = {
      {"POST", "/events/{id}/guests"},
      {"GET", "/events/{id}/guests"},
      {"GET", "/events/{id}/guests/{guest_id}"},
      {"PATCH", "/events/{id}/guests/{guest_id}"},
      {"DELETE", "/events/{id}/guests/{guest_id}"},
      {"POST", "/events/{id}/guests/{guest_id}/token"},
      {"POST", "/events/{id}/guests/{guest_id}/token/rotate"},
      {"POST", "/events/{id}/tokens/bulk"},
      {"GET", "/events/{id}/rsvps"},
  };
  Response (*const guest_handlers[])(AppState&, const Request&, const Params&) = {
      CreateGuest,     ListGuests,       GetGuest,        PatchGuest, DeleteGuest,
      IssueGuestToken, RotateGuestToken, BulkIssueTokens, ListRsvps};
  for (size_t i = 0; i < std::size(guest_routes); ++i) {
    auto* handler = guest_handlers[i];
    router.Add(guest_routes[i].first, guest_routes[i].second,
               [&app, handler](const Request& req, const Params& params) {
                 return handler(app, req, params);
               });
  }

  // Guest side (public: the token is the credential).
  router.Add("GET", "/rsvp/{token}", [&app](const Request& req, const Params& params) {
    return OpenInvitation(app, req, params);
  });
  router.Add("POST", "/rsvp/{token}", [&app](const Request& req, const Params& params) {
    return SubmitRsvp(app, req, params);
  });
  router.Add("POST", "/checkin/{token}", [&app](const Request& req, const Params& params) {
    return CheckIn(app, req, params);
  });
}

}  // namespace guestguard::server
