#pragma once
// The one contract of the pipeline after parsing (docs/architecture.md). Records flow down a
// chain of stages, and so do the signals: each stage does its own part, then hands the record,
// the idle signal or the end on to the next stage. Stop travels back up as a return value, as
// in ripgrep's Sink::matched: a sink whose output is gone answers false, every stage before it
// passes that answer up, and the reader stops.
#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

class RecordStage {
 public:
  virtual ~RecordStage() = default;
  // One record, owning its text (every view points into its arena or at static text). It is
  // valid only during the call; a stage that keeps it may move from it. Returns false when
  // nothing more can be delivered (the output is gone: `| head`, a pager quit); the caller
  // then stops reading.
  virtual bool on_record(Record& record) = 0;
  // The input went quiet (a live stream between bursts): complete what waits for no more
  // lines and make the output visible, then tell the next stage.
  virtual void on_idle() {}
  // The input ended: complete and hand on everything, write any trailer, flush, then tell the
  // next stage. Called once.
  virtual void finish() {}
};

}  // namespace pkgly_trail
