// Copyright 2026 GuestGuard authors.
#include "guestguard/guard.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "guestguard/access_scored.h"
#include "guestguard/status_macros.h"
#include "internal/access_json.h"
#include "internal/deadline_executor.h"
#include "internal/json_writer.h"
#include "internal/utf8.h"

namespace guestguard {
namespace {

using internal::FormatRfc3339;
using internal::JsonObject;

// The state one pluggable-scorer call owns, so a call that outlives its
// deadline (and the Check that started it) touches nothing freed.
struct ExternalCall {
  ExternalCall(const ScoringContext& ctx, std::shared_ptr<Scorer> s)
      : attempt(ctx.attempt),
        features(ctx.features),
        baseline(ctx.baseline),
        recent_uses(ctx.recent_uses),
        thresholds(ctx.thresholds),
        heuristic(ctx.heuristic ? std::optional<Verdict>(*ctx.heuristic) : std::nullopt),
        scorer(std::move(s)) {}

  const AccessAttempt attempt;
  const AccessFeatures features;
  const Baseline baseline;
  const int recent_uses;
  const Thresholds thresholds;
  const std::optional<Verdict> heuristic;
  const std::shared_ptr<Scorer> scorer;

  absl::Mutex mu;
  bool done ABSL_GUARDED_BY(mu) = false;
  absl::StatusOr<Verdict> result ABSL_GUARDED_BY(mu) = absl::UnknownError("not run");
};

// Signals as the stores can keep them (headers may carry any bytes; PostgreSQL
// refuses invalid UTF-8 and NUL).
void MakeStorable(ClientSignals& s) {
  for (std::string* field :
       {&s.user_agent, &s.fingerprint, &s.timezone, &s.language, &s.screen, &s.platform}) {
    internal::MakeStorableUtf8(*field);
  }
}

absl::Status ValidateIds(std::string_view event_id, std::string_view guest_id) {
  if (IsValidId(event_id) && IsValidId(guest_id)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("event and guest ids must be 1-", kMaxIdLength,
                                                 " characters of [A-Za-z0-9._:-]"));
}

}  // namespace

struct Guard::Impl {
  explicit Impl(GuardOptions o)
      : options(std::move(o)),
        heuristic(options.scoring),
        executor(options.scorer
                     ? std::make_unique<internal::DeadlineExecutor>(options.scorer_threads)
                     : nullptr),
        access_scored_subject(
            absl::StrCat(options.subject_prefix, ".", std::string(kSubjectAccessScored))) {}

  // Runs the pluggable scorer under the deadline; nullopt-like error with the
  // reason to show when it did not answer in time or failed.
  absl::StatusOr<Verdict> RunExternal(const ScoringContext& ctx, Reason& fallback_reason);

  const GuardOptions options;
  const HeuristicScorer heuristic;
  std::unique_ptr<internal::DeadlineExecutor> executor;
  const std::string access_scored_subject;
};

absl::StatusOr<Verdict> Guard::Impl::RunExternal(const ScoringContext& ctx,
                                                 Reason& fallback_reason) {
  auto call = std::make_shared<ExternalCall>(ctx, options.scorer);
  const bool started = executor->TrySubmit([call] {
    ScoringContext owned{call->attempt,    call->features,
                         call->baseline,   call->recent_uses,
                         call->thresholds, call->heuristic ? &*call->heuristic : nullptr};
    absl::StatusOr<Verdict> result = call->scorer->Score(owned);
    absl::MutexLock lock(&call->mu);
    call->result = std::move(result);
    call->done = true;
  });
  if (!started) {
    fallback_reason = {std::string(reason::kScorerUnavailable), 0,
                       "The external scorer was busy; the built-in verdict stands."};
    return absl::UnavailableError("scorer busy");
  }
  absl::MutexLock lock(&call->mu);
  if (!call->mu.AwaitWithTimeout(absl::Condition(&call->done), options.scorer_deadline)) {
    fallback_reason = {std::string(reason::kScorerTimeout), 0,
                       absl::StrCat("The external scorer did not answer within ",
                                    absl::FormatDuration(options.scorer_deadline),
                                    "; the built-in verdict stands.")};
    return absl::DeadlineExceededError("scorer timed out");
  }
  if (absl::IsDeadlineExceeded(call->result.status())) {
    // The scorer gave up on its own deadline (e.g. a remote call's timeout,
    // set to ours) a moment before ours ran out: a timeout all the same.
    fallback_reason = {std::string(reason::kScorerTimeout), 0,
                       absl::StrCat("The external scorer did not answer within ",
                                    absl::FormatDuration(options.scorer_deadline),
                                    "; the built-in verdict stands.")};
  } else if (!call->result.ok()) {
    fallback_reason = {std::string(reason::kScorerUnavailable), 0,
                       "The external scorer failed; the built-in verdict stands."};
  }
  return call->result;
}

absl::StatusOr<std::unique_ptr<Guard>> Guard::Open(GuardOptions options) {
  if (!options.store) return absl::InvalidArgumentError("guard: options.store is required");
  if (options.keyring.size() == 0) {
    return absl::InvalidArgumentError("guard: options.keyring is empty");
  }
  if (options.subject_prefix.empty()) {
    return absl::InvalidArgumentError("guard: options.subject_prefix must not be empty");
  }
  if (options.scorer_deadline <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("guard: options.scorer_deadline must be positive");
  }
  if (options.scorer_threads < 1 || options.scorer_threads > 256) {
    return absl::InvalidArgumentError("guard: options.scorer_threads must be 1-256");
  }
  if (options.token_ttl < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("guard: options.token_ttl must not be negative");
  }
  GG_RETURN_IF_ERROR(options.scoring.Validate());
  if (!options.clock) options.clock = SystemClock();
  return std::unique_ptr<Guard>(new Guard(std::make_unique<Impl>(std::move(options))));
}

Guard::Guard(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Guard::~Guard() = default;

absl::StatusOr<std::string> Guard::IssueToken(std::string_view event_id, std::string_view guest_id,
                                              absl::Time not_after) {
  GG_RETURN_IF_ERROR(ValidateIds(event_id, guest_id));
  const absl::Time now = impl_->options.clock->Now();
  if (not_after <= now) {
    return absl::InvalidArgumentError("guard: the link would expire before it is issued");
  }
  GG_ASSIGN_OR_RETURN(uint32_t generation,
                      impl_->options.store->GetTokenGeneration(event_id, guest_id));
  TokenClaims claims;
  claims.event_id = std::string(event_id);
  claims.guest_id = std::string(guest_id);
  claims.generation = generation;
  claims.issued_at = now;
  if (impl_->options.token_ttl > absl::ZeroDuration()) {
    claims.expires_at = claims.issued_at + impl_->options.token_ttl;
  }
  if (not_after != absl::InfiniteFuture()) {
    claims.expires_at = std::min(claims.expires_at.value_or(not_after), not_after);
  }
  return SignToken(impl_->options.keyring, claims);
}

absl::StatusOr<std::string> Guard::RotateToken(std::string_view event_id, std::string_view guest_id,
                                               absl::Time not_after) {
  GG_RETURN_IF_ERROR(ValidateIds(event_id, guest_id));
  if (not_after <= impl_->options.clock->Now()) {
    return absl::InvalidArgumentError("guard: the link would expire before it is issued");
  }
  GG_RETURN_IF_ERROR(impl_->options.store->BumpTokenGeneration(event_id, guest_id).status());
  return IssueToken(event_id, guest_id, not_after);
}

VerifiedToken Guard::Verify(std::string_view token) const {
  return VerifiedToken(VerifyToken(impl_->options.keyring, token, impl_->options.clock->Now()),
                       this);
}

absl::StatusOr<Decision> Guard::Check(std::string_view token, AccessAttempt attempt) {
  return Check(Verify(token), std::move(attempt));
}

absl::StatusOr<Decision> Guard::Check(const VerifiedToken& token, AccessAttempt attempt,
                                      const CheckState* preloaded) {
  const GuardOptions& o = impl_->options;
  const absl::Time now = o.clock->Now();
  if (attempt.at == absl::InfinitePast()) attempt.at = now;

  Decision d;  // Refused until proven otherwise.
  const TokenVerification& verification = token.verification();
  d.token_status = token.verifier_ == this ? verification.status : TokenStatus::kMalformed;
  if (d.token_status != TokenStatus::kValid && d.token_status != TokenStatus::kExpired) {
    return d;  // Not authentic: nothing can be attributed, nothing is recorded.
  }
  attempt.event_id = verification.claims.event_id;
  attempt.guest_id = verification.claims.guest_id;
  MakeStorable(attempt.signals);
  d.event_id = attempt.event_id;
  d.guest_id = attempt.guest_id;

  std::optional<IpAddress> client_ip;
  if (!attempt.client_ip.empty()) {
    GG_ASSIGN_OR_RETURN(client_ip, IpAddress::Parse(attempt.client_ip));
  }
  GG_ASSIGN_OR_RETURN(const AccessFeatures features,
                      AccessFeatures::From(attempt, client_ip ? &*client_ip : nullptr));
  std::optional<CheckState> loaded;
  if (preloaded == nullptr) {
    GG_ASSIGN_OR_RETURN(loaded, o.store->LoadCheckState(attempt.event_id, attempt.guest_id));
  }
  const CheckState& state = preloaded != nullptr ? *preloaded : *loaded;
  const GuestState& guest = state.guest;
  const EventPolicy& policy = state.policy;
  const Baseline& baseline = guest.baseline;
  if (d.token_status == TokenStatus::kValid && verification.claims.generation != guest.generation) {
    d.token_status = TokenStatus::kRevoked;
  }

  bool admit = false;
  // A check-in from a device admitted before: a retry at the door, scored as
  // the known device and never learned.
  const bool door_retry =
      IsDoorRetry({attempt, features, baseline, /*recent_uses=*/1, policy.thresholds});
  if (d.token_status == TokenStatus::kValid) {
    if (std::optional<std::string> fetcher =
            impl_->heuristic.RecognisePreview(attempt, client_ip ? &*client_ip : nullptr)) {
      // Not the guest: recorded for the host, never scored, learned or counted.
      d.preview = true;
      d.score = 0;
      d.reasons.push_back({std::string(reason::kLinkPreview), 0,
                           absl::StrCat("A link preview or mail scanner (", *fetcher,
                                        ") fetched the link; not scored.")});
    } else if (client_ip && policy.allowlist->Contains(*client_ip)) {
      d.score = 0;
      d.allowlisted = true;
      d.reasons.push_back({std::string(reason::kAllowlisted), 0,
                           "The client address is on this event's allowlist."});
    } else {
      const int64_t velocity_since = absl::ToUnixSeconds(attempt.at - o.scoring.velocity_window);
      const int64_t at = absl::ToUnixSeconds(attempt.at);
      // Check-in retries at the door are the check-in limit's business, not velocity's.
      int recent_uses = 1;
      for (const Baseline::Use& u : baseline.uses()) {
        if (attempt.kind == AccessKind::kCheckin) break;
        if (u.kind != AccessKind::kCheckin && u.at >= velocity_since &&
            static_cast<int64_t>(u.at) <= at) {
          ++recent_uses;
        }
      }
      ScoringContext ctx{attempt, features, baseline, recent_uses, policy.thresholds};
      Verdict verdict = impl_->heuristic.Evaluate(ctx);
      if (o.scorer) {
        ctx.heuristic = &verdict;
        Reason fallback;
        absl::StatusOr<Verdict> external = impl_->RunExternal(ctx, fallback);
        if (external.ok()) {
          // A conclusive finding stands: a model may raise a verdict, never clear it.
          const bool conclusive = std::any_of(
              verdict.reasons.begin(), verdict.reasons.end(),
              [](const Reason& r) { return r.score > 0 && IsConclusiveReason(r.code); });
          if (!conclusive || external->score >= verdict.score) verdict = *std::move(external);
        } else {
          verdict.reasons.push_back(std::move(fallback));
        }
      }
      d.score = std::clamp(verdict.score, 0, 100);
      d.reasons = std::move(verdict.reasons);
    }
    if (attempt.kind == AccessKind::kCheckin && attempt.max_checkins > 0) {
      // Library rule: one admission per device, 1 + plus-ones devices at most.
      if (!door_retry && static_cast<int>(baseline.admitted().size()) >= attempt.max_checkins) {
        d.score = 100;
        d.reasons.insert(d.reasons.begin(),
                         {std::string(reason::kCheckinLimit), 100,
                          absl::StrCat("All ", attempt.max_checkins,
                                       " admission(s) of this invitation were already used by "
                                       "other devices.")});
      } else {
        admit = !door_retry;
      }
    }
    d.band = policy.thresholds.BandOf(d.score);  // The scorer's own band is advisory.
  } else {
    // Authentic but expired or rotated away: a replayed old link. Refuse and record.
    const bool expired = d.token_status == TokenStatus::kExpired;
    d.score = 100;
    d.reasons.push_back({std::string(expired ? reason::kTokenExpired : reason::kTokenRevoked), 100,
                         expired ? "The link has expired."
                                 : "The link was replaced by a newer one for this guest."});
  }
  if (d.token_status != TokenStatus::kValid) d.band = Band::kBlock;
  admit = admit && d.allowed() && features.device != 0;

  AccessRecord record;
  record.event_id = attempt.event_id;
  record.guest_id = attempt.guest_id;
  record.kind = attempt.kind;
  record.at = attempt.at;
  record.client_ip = client_ip ? client_ip->ToString() : std::string();
  record.signals = attempt.signals;
  record.score = d.score;
  record.band = d.band;
  record.allowlisted = d.allowlisted;
  record.blocked = !d.allowed();
  record.reasons = d.reasons;
  // Every scored use of a valid link joins the link's history; only clean
  // accesses teach the baseline (an attacker must not), and an admitted
  // check-in takes one of the party's places. Previews touch nothing.
  const bool learn =
      d.token_status == TokenStatus::kValid && d.band == Band::kLow && !d.allowlisted &&
      !door_retry &&
      !IsNewDeviceAtTheDoor({attempt, features, baseline, /*recent_uses=*/1, policy.thresholds});
  auto update = [&](Baseline& b) {
    if (learn) b.Learn(features);
    Baseline::Use use;
    use.at =
        static_cast<uint32_t>(std::clamp<int64_t>(absl::ToUnixSeconds(attempt.at), 0, UINT32_MAX));
    use.device = features.device;
    use.network = features.has_ip ? features.network : 0;
    use.kind = attempt.kind;
    for (const Baseline::Device& dev : b.devices()) {
      use.known_device = use.known_device || dev.fingerprint == features.device;
    }
    for (const Baseline::Network& net : b.networks()) {
      use.known_network = use.known_network || (features.has_ip && net.network == features.network);
    }
    use.blocked = record.blocked;
    use.flagged = !d.allowlisted && d.band >= Band::kMedium;
    b.RecordUse(use);
    if (admit) b.Admit(features.device);
    impl_->heuristic.Reconcile(d.reasons, use, b);
  };
  const bool touches_baseline = d.token_status == TokenStatus::kValid && !d.preview;
  GG_ASSIGN_OR_RETURN(
      d.access_log_id,
      o.store->AppendAccess(
          record, touches_baseline ? std::optional<BaselineMutation>(update) : std::nullopt));
  record.id = d.access_log_id;

  if (o.bus) {
    Message message{AccessScoredMessageId(d.access_log_id), impl_->access_scored_subject,
                    EncodeAccessScored(record)};
    if (!o.bus->Publish(message).ok()) publish_failures_.fetch_add(1, std::memory_order_relaxed);
  }
  return d;
}

absl::Status Guard::RecordFeedback(std::string_view event_id, std::string_view access_log_id,
                                   FeedbackVerdict verdict, std::string_view note) {
  const GuardOptions& o = impl_->options;
  if (note.size() > kMaxFeedbackNoteLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("note is longer than ", kMaxFeedbackNoteLength, " bytes"));
  }
  GG_ASSIGN_OR_RETURN(const AccessRecord access, o.store->GetAccess(event_id, access_log_id));
  Feedback feedback;
  feedback.event_id = std::string(event_id);
  feedback.access_log_id = std::string(access_log_id);
  feedback.verdict = verdict;
  feedback.note = std::string(note);
  feedback.created_at = o.clock->Now();
  GG_RETURN_IF_ERROR(o.store->PutFeedback(feedback));
  AccessAttempt attempt;
  attempt.at = access.at;
  attempt.client_ip = access.client_ip;
  attempt.signals = access.signals;
  GG_ASSIGN_OR_RETURN(const AccessFeatures features, AccessFeatures::From(attempt));
  if (verdict == FeedbackVerdict::kLegitimate) {
    // The host knows the guest: this device and network are the guest's. If
    // the baseline only held provisional entries (whoever opened the link
    // first), it is re-seated on this access.
    return o.store->UpdateBaseline(access.event_id, access.guest_id, [&](Baseline& b) {
      b.DropProvisionalBefore(access.at);
      b.Learn(features, /*vouched=*/true);
    });
  }
  // Suspicious: whatever this access taught is forgotten, unless a host vouched for it.
  return o.store->UpdateBaseline(access.event_id, access.guest_id,
                                 [&](Baseline& b) { b.Forget(features); });
}

absl::StatusOr<std::string> Guard::ExportLabelledCorpus(std::string_view event_id) {
  GG_ASSIGN_OR_RETURN(const std::vector<LabelledAccess> labelled,
                      impl_->options.store->ListFeedback(event_id));
  std::string out;
  for (const LabelledAccess& l : labelled) {
    out += JsonObject()
               .Raw("access", internal::AccessJson(l.access, "id", FormatRfc3339(l.access.at)))
               .Raw("feedback", JsonObject()
                                    .String("verdict", FeedbackVerdictName(l.feedback.verdict))
                                    .String("note", l.feedback.note)
                                    .String("at", FormatRfc3339(l.feedback.created_at))
                                    .Finish())
               .Finish();
    out.push_back('\n');
  }
  return out;
}

}  // namespace guestguard
