#include "core/runtime/group_committer.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

namespace sagad {

GroupCommitter::GroupCommitter(EventStore* store, const RuntimeOptions& options, std::size_t shard_count,
                               NoticeSink notices, CommitSink committed)
    : store_(store),
      options_(options),
      notices_(std::move(notices)),
      committed_(std::move(committed)),
      outbox_(shard_count) {
  options_.executor->Start(this);
}

GroupCommitter::~GroupCommitter() { Stop(); }

void GroupCommitter::Stop() {
  queue_.Close();
  if (!joined_) {
    joined_ = true;
    options_.executor->Join(this);
  }
}

bool GroupCommitter::Turn() {
  std::size_t take = options_.group_commit ? options_.max_batch_commands : 1;
  switch (queue_.TryDrain(jobs_, take)) {
    case Mailbox<AppendJob>::Drained::kNone: return true;
    case Mailbox<AppendJob>::Drained::kClosed: return false;
    case Mailbox<AppendJob>::Drained::kSome: break;
  }
  // Split what was taken by the byte cap; the count cap was applied above.
  std::size_t begin = 0;
  while (begin < jobs_.size()) {
    std::size_t end = begin;
    std::size_t bytes = 0;
    while (end < jobs_.size() && (end == begin || bytes < options_.max_batch_bytes)) {
      bytes += jobs_[end].request.ApproximateBytes();
      ++end;
    }
    CommitBatch(jobs_, begin, end);
    begin = end;
  }
  jobs_.clear();
  return true;
}

bool GroupCommitter::DecidedOnBrokenSpeculation(const AppendJob& job) {
  if (broken_epochs_.empty()) return false;
  auto it = broken_epochs_.find(job.stream_key);
  if (it == broken_epochs_.end()) return false;
  if (job.epoch > it->second) {
    broken_epochs_.erase(it);  // decided after the reload
    return false;
  }
  return !job.request.duplicate_probe;  // probes never write: let them ask
}

void GroupCommitter::CommitBatch(std::vector<AppendJob>& jobs, std::size_t begin, std::size_t end) {
  std::vector<AppendRequest> batch;
  std::vector<AppendJob*> sent;
  batch.reserve(end - begin);
  sent.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) {
    AppendJob& job = jobs[i];
    if (DecidedOnBrokenSpeculation(job)) {
      CommitNotice notice;
      notice.kind = CommitNotice::Kind::kConflict;
      notice.stream_key = std::move(job.stream_key);
      notice.command_id = job.request.command_id;
      notice.epoch = job.epoch;
      notice.pending = std::move(job.pending);
      outbox_[job.shard].push_back(std::move(notice));
      continue;
    }
    sent.push_back(&job);
    batch.push_back(std::move(job.request));
  }

  auto started = std::chrono::steady_clock::now();
  Result<std::vector<AppendResult>> results =
      batch.empty() ? Result<std::vector<AppendResult>>(std::vector<AppendResult>{}) : store_->Append(batch);
  bool resolved = false;  // the outcome was unknown, and the store has told
  if (results.status().Is(StatusCode::kDeadlineExceeded)) {
    results = FindOutcome(batch, results.status());
    resolved = results.ok();
  }
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  stats_.append_micros += static_cast<std::uint64_t>(micros.count());
  if (!batch.empty()) {
    stats_.batches++;
    if (options_.on_batch) options_.on_batch(batch.size(), micros.count());
  }
  stats_.commands += batch.size();

  std::vector<Event> duplicates;
  if (!results.ok()) {
    stats_.store_failures++;
    spdlog::warn("store append of {} commands failed: {}", batch.size(), results.status().ToString());
  }
  if (!batch.empty()) {
    std::lock_guard lock(health_mu_);
    if (results.ok() && !health_.ok()) spdlog::info("store appends work again");
    health_ = results.ok() ? Status::Ok() : results.status();
  }
  for (std::size_t i = 0; i < sent.size(); ++i) {
    AppendJob& job = *sent[i];
    CommitNotice notice;
    notice.stream_key = std::move(job.stream_key);
    notice.command_id = batch[i].command_id;
    notice.probe = batch[i].duplicate_probe;
    notice.epoch = job.epoch;
    bool not_written = resolved && !notice.probe && (*results)[i].outcome == AppendOutcome::kNotApplied;
    if (!results.ok() || not_written) {
      notice.kind = CommitNotice::Kind::kFailed;
      if (!notice.probe) broken_epochs_[notice.stream_key] = job.epoch;
      Status failed = not_written ? Status::Unavailable("the store lost the commit's outcome and then found it was "
                                                        "not written; resend")
                                  : results.status().WithContext("commit failed, nothing was written; resend");
      job.pending.done(CommandResult{std::move(failed), {}, false});
      outbox_[job.shard].push_back(std::move(notice));
      continue;
    }
    AppendResult& r = (*results)[i];
    bool probe = notice.probe;
    if (!probe && r.outcome != AppendOutcome::kAppended) broken_epochs_[notice.stream_key] = job.epoch;
    switch (r.outcome) {
      case AppendOutcome::kAppended:
        notice.kind = CommitNotice::Kind::kAppended;
        notice.version = r.events.back().version;
        stats_.events += r.events.size();
        job.pending.done(CommandResult{Status::Ok(), std::move(r.events), false, job.pending.activity});
        break;
      case AppendOutcome::kDuplicate:
        stats_.duplicates++;
        notice.kind = probe ? CommitNotice::Kind::kProbeDuplicate : CommitNotice::Kind::kDuplicate;
        duplicates.insert(duplicates.end(), r.events.begin(), r.events.end());
        job.pending.done(CommandResult{Status::Ok(), std::move(r.events), true});
        break;
      case AppendOutcome::kConflict:
        stats_.conflicts++;
        notice.kind = CommitNotice::Kind::kConflict;
        notice.pending = std::move(job.pending);
        break;
      case AppendOutcome::kNotApplied:
        notice.kind = CommitNotice::Kind::kProbeNotApplied;
        notice.pending = std::move(job.pending);
        notice.probe_answer = std::move(job.probe_answer);
        break;
    }
    outbox_[job.shard].push_back(std::move(notice));
  }
  if (results.ok() && !batch.empty()) committed_(duplicates);
  for (std::size_t shard = 0; shard < outbox_.size(); ++shard) {
    if (!outbox_[shard].empty()) notices_(shard, outbox_[shard]);
  }
}

// The store could not tell whether the batch was written (the connection
// died during COMMIT, say): it was written entirely or not at all. Nobody
// may be answered before that is known, because "Unavailable" promises
// that nothing was written, and a command acknowledged as written must be.
// So ask the store, with the batch as duplicate probes (which never write),
// until it answers: a request found with the versions it asked for was
// written by this batch; one found with others had been applied before (a
// duplicate, as the store would have said); one not found was not written.
Result<std::vector<AppendResult>> GroupCommitter::FindOutcome(const std::vector<AppendRequest>& batch,
                                                             const Status& unknown) {
  spdlog::warn("store append of {} commands has an unknown outcome ({}); asking the store", batch.size(),
               unknown.ToString());
  std::vector<AppendRequest> probes;
  probes.reserve(batch.size());
  for (const AppendRequest& r : batch) {
    AppendRequest probe;
    probe.stream = r.stream;
    probe.command_id = r.command_id;
    probe.expected_version = r.expected_version;
    probe.duplicate_probe = true;
    probes.push_back(std::move(probe));
  }
  for (int attempt = 1;; ++attempt) {
    Result<std::vector<AppendResult>> found = store_->Append(probes);
    if (found.ok()) {
      stats_.unknown_outcomes++;
      for (std::size_t i = 0; i < batch.size(); ++i) {
        AppendResult& r = (*found)[i];
        const AppendRequest& asked = batch[i];
        bool ours = r.outcome == AppendOutcome::kDuplicate && !asked.duplicate_probe && !r.events.empty() &&
                    r.events.front().version == asked.expected_version + 1 &&
                    r.events.size() == asked.events.size();
        if (ours) r.outcome = AppendOutcome::kAppended;
      }
      return found;
    }
    if (queue_.closed()) return unknown.WithContext("stopping before the store could say whether it was written");
    if (attempt == 1 || attempt % 100 == 0) {
      spdlog::warn("cannot find out yet whether {} commands were written: {}", batch.size(), found.status().ToString());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.unknown_outcome_pause_ms));
  }
}

}  // namespace sagad
