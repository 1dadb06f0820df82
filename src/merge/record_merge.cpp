#include "pkgly_trail/merge/record_merge.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>

#include "pkgly_trail/record/log_time.hpp"

namespace pkgly_trail {
namespace {

// Records cross between threads a batch at a time: one lock per batch, not per record.
constexpr std::size_t kBatchRecords = 256;
constexpr std::size_t kBatchBytes = 1 << 20;
// Batches waiting per input. With the one being filled and the one being merged an input holds
// at most 6 batches: a few hundred KiB for ordinary records, about 6 MiB at worst.
constexpr std::size_t kQueuedBatches = 4;
// Queued records are recycled with their arena; one that grew past kSlotKeepBytes (a huge
// record) gives it back, so one such record does not pin its memory for the rest of the run.
constexpr std::size_t kSlotArenaBytes = 1024;
constexpr std::size_t kSlotKeepBytes = 256 * 1024;
// How long a waiting merge sleeps before it looks at should_stop again.
constexpr auto kWaitSlice = std::chrono::milliseconds(100);

struct RecordBatch {
  std::vector<Record> records;      // recycled slots; the first `size` hold records
  std::vector<std::int64_t> times;  // the merge key of each
  std::size_t size = 0;
  std::size_t bytes = 0;
  std::uint64_t input_bytes = 0;  // the reader's bytes_read() when the batch was handed over
};

enum class Take { Batch, Idle, Ended, Waiting };

// One input. Its reader thread (run) reads, assembles and batches records; the merge thread
// takes the batches in order and gives them back emptied for reuse.
class InputLane final : public LineHandler {
 public:
  InputLane(MergeInput input, const AssemblerOptions& options)
      : name_(std::move(input.name)),
        reader_(std::move(input.reader)),
        assembler_(collector_, options),
        filling_(std::make_unique<RecordBatch>()) {}

  // The reader thread.
  void run() noexcept {
    std::string error;
    try {
      assembler_.begin_input(name_);
      if (!reader_->read_lines(*this)) error = reader_->error();
      assembler_.end_input();
      publish();
    } catch (const std::exception& e) {
      error = name_ + ": " + e.what();
    }
    {
      std::lock_guard lock(mutex_);
      error_ = std::move(error);
      ended_ = true;
    }
    changed_.notify_all();
  }

  void on_line(const InputLine& line) override {
    assembler_.on_line(line.text, line.number, line.truncated);
  }

  // A silent pipe: complete the records waiting for continuation lines and hand them over, so
  // the merged stream is not held back by what this thread keeps.
  void on_idle() override {
    assembler_.on_idle();
    publish();
    {
      std::lock_guard lock(mutex_);
      ++idle_ticks_;
    }
    changed_.notify_all();
  }

  bool should_stop() const override {
    return stop_reading_.load(std::memory_order_relaxed) ||
           abandoned_.load(std::memory_order_relaxed);
  }

  // The assembler's records, into the batch being filled. The record owns its text (the
  // stage contract), so it is swapped into its slot, not copied: the assembler gets the slot's
  // old record back, with its arena, to fill with a later record.
  void collect(Record& record) {
    RecordBatch& batch = *filling_;
    if (batch.size == batch.records.size()) {
      batch.records.emplace_back().arena = TextArena(kSlotArenaBytes);
      batch.times.push_back(0);
    }
    Record& slot = batch.records[batch.size];
    std::swap(slot, record);
    // A suspect record's time may be forged (a value imitating a record dated 2099 would hold
    // back the rest of its file): it keeps its place in its file, at the time before it.
    if (slot.suspect.empty())
      if (std::optional<std::int64_t> time = parse_log_time(slot.timestamp)) last_time_ = *time;
    batch.times[batch.size] = last_time_;
    ++batch.size;
    batch.bytes += slot.text_size();
    if (batch.size == kBatchRecords || batch.bytes >= kBatchBytes) publish();
  }

  // The merge thread: waits up to `wait` for news of this input.
  Take take(std::unique_ptr<RecordBatch>& batch, std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    auto news = [this] { return !ready_.empty() || ended_ || idle_ticks_ != idle_seen_; };
    if (!news()) changed_.wait_for(lock, wait, news);
    if (!ready_.empty()) {
      batch = std::move(ready_.front());
      ready_.pop_front();
      lock.unlock();
      changed_.notify_all();  // room for the reader
      return Take::Batch;
    }
    if (ended_) return Take::Ended;
    if (idle_ticks_ != idle_seen_) {
      idle_seen_ = idle_ticks_;
      return Take::Idle;
    }
    return Take::Waiting;
  }

  void recycle(std::unique_ptr<RecordBatch> batch) {
    for (std::size_t i = 0; i < batch->size; ++i) {
      Record& slot = batch->records[i];
      if (slot.arena.capacity() > kSlotKeepBytes) slot.arena = TextArena(kSlotArenaBytes);
    }
    batch->size = 0;
    batch->bytes = 0;
    std::lock_guard lock(mutex_);
    spare_.push_back(std::move(batch));
  }

  // Reads no further (Ctrl-C, the output gone): run() hands over the records of the lines
  // read so far and ends, so the merge can still pass on everything that was read whole.
  void stop_reading() { stop_reading_ = true; }

  // Ends run() soon: at the next read, or at once when it waits for room in the queue; what it
  // holds is dropped (nobody will take it).
  void stop() {
    {
      std::lock_guard lock(mutex_);
      abandoned_ = true;
    }
    changed_.notify_all();
  }

  // Once run() has ended.
  const std::string& error() const noexcept { return error_; }
  const ParseStats& stats() const noexcept { return assembler_.stats(); }
  const LineReader& reader() const noexcept { return *reader_; }

 private:
  // Hands the batch being filled to the merge, waiting while the queue is full.
  void publish() {
    if (filling_->size == 0) return;
    std::unique_ptr<RecordBatch> next;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return ready_.size() < kQueuedBatches || abandoned_; });
      if (abandoned_) {  // the merge is over: nobody will take it
        filling_->size = 0;
        filling_->bytes = 0;
        return;
      }
      filling_->input_bytes = reader_->bytes_read();
      ready_.push_back(std::move(filling_));
      if (!spare_.empty()) {
        next = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    changed_.notify_all();
    filling_ = next ? std::move(next) : std::make_unique<RecordBatch>();
  }

  // The stage after the assembler: idle and finish are the lane's own business (run()).
  struct Collector final : RecordStage {
    explicit Collector(InputLane& lane) : lane(lane) {}
    bool on_record(Record& record) override {
      lane.collect(record);
      return true;
    }
    InputLane& lane;
  };

  // The reader thread's own.
  Collector collector_{*this};
  std::string name_;
  std::unique_ptr<LineReader> reader_;
  RecordAssembler assembler_;
  std::unique_ptr<RecordBatch> filling_;
  // A record without a timestamp (or a suspect one) takes the one of the record before it, so
  // it stays with it.
  std::int64_t last_time_ = std::numeric_limits<std::int64_t>::min();

  std::atomic<bool> stop_reading_{false};
  std::atomic<bool> abandoned_{false};
  std::mutex mutex_;  // guards what follows
  std::condition_variable changed_;
  std::deque<std::unique_ptr<RecordBatch>> ready_;
  std::vector<std::unique_ptr<RecordBatch>> spare_;
  std::uint64_t idle_ticks_ = 0;  // times the reader went idle
  std::uint64_t idle_seen_ = 0;   // ... that the merge has acted on
  bool ended_ = false;
  std::string error_;  // set with ended_
};

void add(ParseStats& sum, const ParseStats& part) {
  sum.lines += part.lines;
  sum.record_lines += part.record_lines;
  sum.continuation_lines += part.continuation_lines;
  sum.non_tracing_lines += part.non_tracing_lines;
  sum.unparsed_lines += part.unparsed_lines;
  sum.other_service_lines += part.other_service_lines;
  sum.records += part.records;
  for (std::size_t i = 0; i < sum.records_by_format.size(); ++i)
    sum.records_by_format[i] += part.records_by_format[i];
  sum.records_skipped += part.records_skipped;
  if (sum.first_unparsed.empty()) {
    sum.first_unparsed = part.first_unparsed;
    sum.first_unparsed_why = part.first_unparsed_why;
  }
  sum.folded_record_lines += part.folded_record_lines;
  if (sum.first_folded.empty()) sum.first_folded = part.first_folded;
  sum.audit_marker_lines_not_events += part.audit_marker_lines_not_events;
  if (sum.first_audit_marker_not_event.empty())
    sum.first_audit_marker_not_event = part.first_audit_marker_not_event;
  sum.suspect_records += part.suspect_records;
  sum.held_parses += part.held_parses;
  sum.orphan_tail_lines += part.orphan_tail_lines;
  if (sum.first_orphan_tail.empty()) sum.first_orphan_tail = part.first_orphan_tail;
  sum.url_break_records += part.url_break_records;
  if (sum.first_url_break.empty()) sum.first_url_break = part.first_url_break;
}

class RecordMerge {
 public:
  RecordMerge(std::vector<MergeInput> inputs, const AssemblerOptions& assembler,
              ReadObserver& observer)
      : observer_(observer) {
    lanes_.reserve(inputs.size());
    for (MergeInput& input : inputs)
      lanes_.push_back(std::make_unique<InputLane>(std::move(input), assembler));
    cursors_.resize(lanes_.size());
    threads_.reserve(lanes_.size());
    try {
      for (auto& lane : lanes_) threads_.emplace_back([input = lane.get()] { input->run(); });
    } catch (...) {
      stop_and_join();
      throw;
    }
  }
  RecordMerge(const RecordMerge&) = delete;
  RecordMerge& operator=(const RecordMerge&) = delete;
  // Also on an exception from the handler: no thread outlives the merge.
  ~RecordMerge() { stop_and_join(); }

  void run(RecordStage& next) {
    next_ = &next;
    // A min-heap of the inputs' next records by (time, input index): one entry per input, so
    // the records of one input keep their order and ties go to the input named first.
    auto later = [](const Head& a, const Head& b) {
      return a.time != b.time ? a.time > b.time : a.lane > b.lane;
    };
    std::vector<Head> heap;
    heap.reserve(lanes_.size());
    for (std::size_t lane = 0; lane < lanes_.size(); ++lane)
      if (advance(lane)) heap.push_back(head_of(lane));
    std::make_heap(heap.begin(), heap.end(), later);
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), later);
      const std::size_t lane = heap.back().lane;
      Cursor& cursor = cursors_[lane];
      if (!next.on_record(cursor.batch->records[cursor.next])) stop_inputs();
      ++progress_.records;
      ++cursor.next;
      if (advance(lane)) {
        heap.back() = head_of(lane);
        std::push_heap(heap.begin(), heap.end(), later);
      } else {
        heap.pop_back();
      }
    }
  }

  MergeResult finish() {
    stop_and_join();
    MergeResult result;
    for (std::size_t lane = 0; lane < lanes_.size(); ++lane) {
      const InputLane& input = *lanes_[lane];
      if (!cursors_[lane].ended) report_error(input);  // stopped before reaching its end
      add(result.stats, input.stats());
      result.bytes += input.reader().bytes_read();
      result.inputs.push_back(input.reader().facts());
      result.truncated_lines += input.reader().lines_truncated();
    }
    result.read_error = read_error_;
    return result;
  }

 private:
  struct Cursor {
    std::unique_ptr<RecordBatch> batch;
    std::size_t next = 0;
    bool ended = false;
    std::uint64_t input_bytes = 0;  // of the last batch taken
  };
  struct Head {
    std::int64_t time = 0;
    std::size_t lane = 0;
  };

  Head head_of(std::size_t lane) const {
    const Cursor& cursor = cursors_[lane];
    return Head{cursor.batch->times[cursor.next], lane};
  }

  // True when `lane` has a next record, waiting for its reader when needed; false at its end
  // (once stopped, its reader ends at its next read).
  bool advance(std::size_t lane) {
    Cursor& cursor = cursors_[lane];
    if (cursor.batch && cursor.next < cursor.batch->size) return true;
    if (cursor.batch) lanes_[lane]->recycle(std::move(cursor.batch));
    for (;;) {
      // Stopped: the inputs read no further, and what they read whole still comes out.
      if (!stopped_ && observer_.should_stop()) stop_inputs();
      switch (lanes_[lane]->take(cursor.batch, kWaitSlice)) {
        case Take::Batch:
          cursor.next = 0;
          count_bytes(lane);
          return true;
        case Take::Idle:
          next_->on_idle();
          observer_.on_progress(progress_);
          break;
        case Take::Ended:
          cursor.ended = true;
          report_error(*lanes_[lane]);
          return false;
        case Take::Waiting:
          break;
      }
    }
  }

  // The input bytes behind the batches taken so far, for a progress line.
  void count_bytes(std::size_t lane) {
    Cursor& cursor = cursors_[lane];
    progress_.bytes += cursor.batch->input_bytes - cursor.input_bytes;
    cursor.input_bytes = cursor.batch->input_bytes;
    observer_.on_progress(progress_);
  }

  // Stopped (Ctrl-C, or the next stage's output is gone): the inputs read no further, and
  // what they read whole still comes out.
  void stop_inputs() {
    if (stopped_) return;
    stopped_ = true;
    for (auto& input : lanes_) input->stop_reading();
  }

  void report_error(const InputLane& lane) {
    if (lane.error().empty()) return;
    read_error_ = true;
    observer_.on_problem(lane.error());
  }

  void stop_and_join() noexcept {
    for (auto& lane : lanes_) lane->stop();
    for (std::thread& thread : threads_)
      if (thread.joinable()) thread.join();
  }

  ReadObserver& observer_;
  RecordStage* next_ = nullptr;
  std::vector<std::unique_ptr<InputLane>> lanes_;
  std::vector<Cursor> cursors_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
  bool read_error_ = false;
  ReadProgress progress_;
};

}  // namespace

MergeResult merge_records(std::vector<MergeInput> inputs, RecordStage& next,
                          const AssemblerOptions& assembler, ReadObserver& observer) {
  RecordMerge merge(std::move(inputs), assembler, observer);
  merge.run(next);
  return merge.finish();
}

}  // namespace pkgly_trail
