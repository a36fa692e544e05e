// Copyright 2026 GuestGuard authors.
#include "server/routes.h"

#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "server/client_ip.h"
#include "server/handlers/accounts.h"
#include "server/handlers/activity.h"
#include "server/handlers/collaborators.h"
#include "server/handlers/door_pass.h"
#include "server/handlers/events.h"
#include "server/handlers/guest_import.h"
#include "server/handlers/guest_lists.h"
#include "server/handlers/guests.h"
#include "server/handlers/health.h"
#include "server/handlers/invitations.h"
#include "server/handlers/invites.h"
#include "server/handlers/metrics.h"
#include "server/handlers/monitor.h"
#include "server/handlers/notifications.h"
#include "server/handlers/rsvp.h"
#include "server/handlers/security.h"
#include "server/http_errors.h"
#include "server/rate_limiter.h"
#include "server/web_assets.h"

namespace guestguard::server {
namespace {

// 429 with Retry-After when `limiter` has no token for the client IP.
std::optional<Response> RateLimited(RateLimiter& limiter, AppState& app, const Request& req,
                                    const char* what) {
  std::optional<absl::Duration> wait = limiter.Acquire(RateLimitKey(req.client_ip));
  if (!wait) return std::nullopt;
  const int64_t seconds = RetryAfterSeconds(*wait);
  app.logger->Info(
      what,
      {{"request_id", req.request_id}, {"client_ip", req.client_ip}, {"retry_after", seconds}});
  Response res = Response::Error(429, "rate_limited", "too many requests; retry later");
  res.headers.emplace_back("Retry-After", std::to_string(seconds));
  return res;
}

// A guest link answers JSON only to a client that asks for it; a browser
// navigating to the link (Accept: text/html, */*, or none) gets the page.
bool WantsJson(const Request& req) {
  const std::string* accept = req.Header("accept");
  return accept != nullptr && accept->find("application/json") != std::string::npos;
}

// An invite link answers JSON unless a browser navigates to it (its Accept
// names text/html): API clients that send no Accept keep the JSON preview.
bool WantsHtml(const Request& req) {
  const std::string* accept = req.Header("accept");
  return accept != nullptr && accept->find("text/html") != std::string::npos;
}

}  // namespace

void RegisterRoutes(Router& router, AppState& app) {
  // Health.
  router.AddInline("GET", "/healthz", Healthz);
  router.Add("GET", "/readyz",
             [&app](const Request& req, const Params& params) { return Readyz(app, req, params); });
  // Metrics: here in development only; otherwise on --metrics-listen (main.cc).
  if (MetricsOnPublicListener(app.config)) RegisterMetricsRoute(router, app);

  // Accounts. Signup and login (Argon2 work per request) are rate limited per client IP.
  auto auth_limiter = std::make_shared<RateLimiter>(app.config.auth_rate_limit_per_minute,
                                                    app.config.auth_rate_limit_burst, app.clock);
  router.Add(
      "POST", "/auth/signup", [&app, auth_limiter](const Request& req, const Params& params) {
        if (auto limited = RateLimited(*auth_limiter, app, req, "auth request rate limited")) {
          return *std::move(limited);
        }
        return ToResponse(Signup(app, req, params), req, *app.logger);
      });
  router.Add("POST", "/auth/login", [&app, auth_limiter](const Request& req, const Params& params) {
    if (auto limited = RateLimited(*auth_limiter, app, req, "auth request rate limited")) {
      return *std::move(limited);
    }
    return ToResponse(Login(app, req, params), req, *app.logger);
  });
  // Following a verification link, asking for a new one and changing the
  // password (Argon2 work, or a mail) share the signup/login limit.
  const std::pair<const char*,
                  absl::StatusOr<Response> (*)(AppState&, const Request&, const Params&)>
      limited[] = {{"/auth/verify", VerifyEmail},
                   {"/auth/verify/resend", ResendVerification},
                   {"/auth/password", ChangePassword}};
  for (const auto& [path, handler] : limited) {
    router.Add(
        "POST", path,
        [&app, auth_limiter, handler = handler](const Request& req, const Params& params) {
          if (auto limited = RateLimited(*auth_limiter, app, req, "auth request rate limited")) {
            return *std::move(limited);
          }
          return ToResponse(handler(app, req, params), req, *app.logger);
        });
  }
  router.Add("POST", "/auth/logout", [&app](const Request& req, const Params& params) {
    return ToResponse(Logout(app, req, params), req, *app.logger);
  });
  router.Add("POST", "/auth/logout-everywhere", [&app](const Request& req, const Params& params) {
    return ToResponse(LogoutEverywhere(app, req, params), req, *app.logger);
  });
  router.Add("GET", "/me", [&app](const Request& req, const Params& params) {
    return ToResponse(Me(app, req, params), req, *app.logger);
  });

  // Events.
  router.Add("POST", "/events", [&app](const Request& req, const Params& params) {
    return ToResponse(CreateEvent(app, req, params), req, *app.logger);
  });
  router.Add("GET", "/events", [&app](const Request& req, const Params& params) {
    return ToResponse(ListEvents(app, req, params), req, *app.logger);
  });
  router.Add("GET", "/events/{id}", [&app](const Request& req, const Params& params) {
    return ToResponse(GetEvent(app, req, params), req, *app.logger);
  });
  router.Add("PATCH", "/events/{id}", [&app](const Request& req, const Params& params) {
    return ToResponse(PatchEvent(app, req, params), req, *app.logger);
  });
  router.Add("DELETE", "/events/{id}", [&app](const Request& req, const Params& params) {
    return ToResponse(DeleteEvent(app, req, params), req, *app.logger);
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
      {"GET", "/events/{id}/guests/import/template"},
      {"POST", "/events/{id}/guests/import/preview"},
      {"POST", "/events/{id}/guests/import/commit"},
  };
  // Handlers that return a Response or absl::StatusOr<Response> (errors
  // mapped by ToResponse).
  const std::function<absl::StatusOr<Response>(AppState&, const Request&, const Params&)>
      guest_handlers[] = {CreateGuest, ListGuests,          GetGuest,           PatchGuest,
                          DeleteGuest, IssueGuestToken,     RotateGuestToken,   BulkIssueTokens,
                          ListRsvps,   GuestImportTemplate, GuestImportPreview, GuestImportCommit};
  for (size_t i = 0; i < std::size(guest_routes); ++i) {
    router.Add(guest_routes[i].first, guest_routes[i].second,
               [&app, handler = guest_handlers[i]](const Request& req, const Params& params) {
                 return ToResponse(handler(app, req, params), req, *app.logger);
               });
  }

  // Collaborators (viewer+ reads, owner writes). The router takes the first
  // route that matches, so the literal "pending" is registered before
  // "{user_id}" (which would otherwise capture it).
  const std::pair<const char*, const char*> team_routes[] = {
      {"GET", "/events/{id}/collaborators"},
      {"POST", "/events/{id}/collaborators"},
      {"DELETE", "/events/{id}/collaborators/pending"},
      {"PATCH", "/events/{id}/collaborators/{user_id}"},
      {"DELETE", "/events/{id}/collaborators/{user_id}"},
  };
  // Handlers that return a Response or absl::StatusOr<Response> (errors
  // mapped by ToResponse).
  const std::function<absl::StatusOr<Response>(AppState&, const Request&, const Params&)>
      team_handlers[] = {ListCollaborators, InviteCollaborator, CancelInvite, PatchCollaborator,
                         RemoveCollaborator};
  for (size_t i = 0; i < std::size(team_routes); ++i) {
    router.Add(team_routes[i].first, team_routes[i].second,
               [&app, handler = team_handlers[i]](const Request& req, const Params& params) {
                 return ToResponse(handler(app, req, params), req, *app.logger);
               });
  }

  // The web UI's files (embedded, or --ui-dir while developing).
  std::shared_ptr<const WebAssets> assets = app.config.ui_dir.empty()
                                                ? WebAssets::Embedded()
                                                : WebAssets::FromDirectory(app.config.ui_dir);

  // Collaborator invites: the public preview is rate limited per client IP
  // with the guest endpoints' limits (its own bucket); accepting needs a session.
  // A browser opening an invite link gets the console's invite-accept page.
  auto invite_limiter = std::make_shared<RateLimiter>(app.config.rate_limit_per_minute,
                                                      app.config.rate_limit_burst, app.clock);
  router.Add(
      "GET", "/invites/{token}",
      [&app, invite_limiter, assets](const Request& req, const Params& params) {
        if (WantsHtml(req)) {
          Response page = assets->ConsolePage(req);
          page.headers.emplace_back("Vary", "Accept, Accept-Encoding");
          return page;
        }
        if (auto limited = RateLimited(*invite_limiter, app, req, "invite request rate limited")) {
          return *std::move(limited);
        }
        return ToResponse(PreviewInvite(app, req, params), req, *app.logger);
      });
  router.Add("POST", "/invites/{token}/accept", [&app](const Request& req, const Params& params) {
    return ToResponse(AcceptInvite(app, req, params), req, *app.logger);
  });

  // Activity.
  router.Add("GET", "/events/{id}/activity", [&app](const Request& req, const Params& params) {
    return ToResponse(ListActivity(app, req, params), req, *app.logger);
  });
  // Live monitor: a ticket, then the WebSocket it opens.
  router.Add("POST", "/events/{id}/ws-ticket", [&app](const Request& req, const Params& params) {
    return ToResponse(IssueWsTicket(app, req, params), req, *app.logger);
  });
  router.Add("GET", "/events/{id}/monitor", [&app](const Request& req, const Params& params) {
    return ToResponse(OpenMonitor(app, req, params), req, *app.logger);
  });

  // The door view: door staff or viewer+ read the arrivals and search names;
  // door staff or editor+ verify a guest's door pass and check them in.
  router.Add("GET", "/events/{id}/door", [&app](const Request& req, const Params& params) {
    return ToResponse(DoorOverview(app, req, params), req, *app.logger);
  });
  router.Add("GET", "/events/{id}/door/guests", [&app](const Request& req, const Params& params) {
    return ToResponse(SearchDoorGuests(app, req, params), req, *app.logger);
  });
  router.Add("POST", "/events/{id}/door/verify", [&app](const Request& req, const Params& params) {
    return ToResponse(VerifyDoorPass(app, req, params), req, *app.logger);
  });

  // Guest invitations by email (editor+ sends; viewer+ reads the delivery state).
  router.Add("POST", "/events/{id}/invitations", [&app](const Request& req, const Params& params) {
    return ToResponse(SendInvitations(app, req, params), req, *app.logger);
  });
  router.Add("GET", "/events/{id}/invitations", [&app](const Request& req, const Params& params) {
    return ToResponse(ListInvitations(app, req, params), req, *app.logger);
  });

  // Notifications (editor+).
  router.Add("GET", "/events/{id}/notifications", [&app](const Request& req, const Params& params) {
    return ToResponse(ListNotifications(app, req, params), req, *app.logger);
  });

  // Security settings (viewer+ reads and previews, editor+ changes) and feedback.
  const std::pair<const char*, const char*> security_routes[] = {
      {"GET", "/events/{id}/security/thresholds"},
      {"PUT", "/events/{id}/security/thresholds"},
      {"POST", "/events/{id}/security/thresholds/preview"},
      {"GET", "/events/{id}/security/allowlist"},
      {"POST", "/events/{id}/security/allowlist"},
      {"DELETE", "/events/{id}/security/allowlist"},
      {"POST", "/events/{id}/access-logs/{log_id}/feedback"},
      {"GET", "/events/{id}/security/feedback"},
      {"GET", "/events/{id}/security/feedback/export"},
  };
  const std::function<absl::StatusOr<Response>(AppState&, const Request&, const Params&)>
      security_handlers[] = {GetThresholds,        PutThresholds,     PreviewThresholds,
                             ListAllowlist,        AddAllowlistEntry, RemoveAllowlistEntry,
                             RecordAccessFeedback, ListFeedback,      ExportFeedback};
  for (size_t i = 0; i < std::size(security_routes); ++i) {
    router.Add(security_routes[i].first, security_routes[i].second,
               [&app, handler = security_handlers[i]](const Request& req, const Params& params) {
                 return ToResponse(handler(app, req, params), req, *app.logger);
               });
  }

  // The web UI's files.
  router.AddInline("GET", "/ui/{dir}/{file}", [assets](const Request& req, const Params& params) {
    return assets->Serve(req, params.at("dir") + "/" + params.at("file"));
  });
  router.AddInline("GET", "/ui/{dir}/{sub}/{file}",
                   [assets](const Request& req, const Params& params) {
                     return assets->Serve(
                         req, params.at("dir") + "/" + params.at("sub") + "/" + params.at("file"));
                   });
  // The host console: the home page and every console URL are one shell whose
  // script routes on the client (guest links stay under /rsvp/).
  auto console = [assets](const Request& req, const Params&) { return assets->ConsolePage(req); };
  router.AddInline("GET", "/", console);
  router.AddInline("GET", "/console/{page}", console);
  router.AddInline("GET", "/console/events/{id}/{tab}", console);

  // Guest side (public: the token is the credential), rate limited per client
  // IP. A browser opening a link gets the guest page: the same bytes for every
  // token, never scored and not rate limited, so a link preview neither burns
  // nor poisons the link; the page's script then calls the JSON endpoints.
  auto limiter = std::make_shared<RateLimiter>(app.config.rate_limit_per_minute,
                                               app.config.rate_limit_burst, app.clock);
  const std::pair<const char*, const char*> public_routes[] = {
      {"GET", "/rsvp/{token}"},
      {"POST", "/rsvp/{token}"},
      {"POST", "/checkin/{token}"},
  };
  absl::StatusOr<Response> (*const public_handlers[])(AppState&, const Request&, const Params&) = {
      OpenInvitation, SubmitRsvp, CheckIn};
  for (size_t i = 0; i < std::size(public_routes); ++i) {
    auto* handler = public_handlers[i];
    const bool negotiated = i == 0;
    router.Add(
        public_routes[i].first, public_routes[i].second,
        [&app, handler, limiter, assets, negotiated](const Request& req, const Params& params) {
          if (negotiated && !WantsJson(req)) {
            Response page = assets->GuestPage(req);
            page.headers.emplace_back("Vary", "Accept, Accept-Encoding");
            return page;
          }
          if (auto limited = RateLimited(*limiter, app, req, "guest request rate limited")) {
            return *std::move(limited);
          }
          Response response = ToResponse(handler(app, req, params), req, *app.logger);
          if (negotiated) response.headers.emplace_back("Vary", "Accept");
          return response;
        });
  }
}

}  // namespace guestguard::server
