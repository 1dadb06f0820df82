#pragma once
// The ends of a chain in tests: a stage that keeps a copy of every record it is handed and
// counts the signals that reach it, and a read observer that keeps every problem.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/correlate/joined_event.hpp"
#include "pkgly_trail/input/read_observer.hpp"
#include "pkgly_trail/record/stage.hpp"

namespace pkgly_trail::testing {

// Counts the idle and finish signals that reach the end of a chain.
template <class End>
struct CountsSignals : End {
  void on_idle() override { ++idles; }
  void finish() override { ++finished; }
  int idles = 0;
  int finished = 0;
};

struct CollectRecords final : CountsSignals<RecordStage> {
  bool on_record(Record& record) override {
    records.push_back(record.clone());
    return true;
  }
  std::vector<Record> records;
};

// A joined event, copied.
struct Joined {
  Record audit;
  std::optional<Record> access;
  std::vector<Record> related;
  JoinKey by;
  std::string access_request() const { return access ? std::string(access->request_id) : ""; }
  std::vector<std::string> related_messages() const {
    std::vector<std::string> messages;
    for (const Record& r : related) messages.emplace_back(r.message ? *r.message : "");
    return messages;
  }
};

// The end of the correlate stage's chain: keeps a copy of every joined event.
struct CollectEvents final : CountsSignals<JoinedEventSink> {
  bool on_event(const JoinedEvent& event) override {
    Joined j{event.audit.clone(), std::nullopt, {}, event.joined_by};
    if (event.access) j.access = event.access->clone();
    for (const Record& r : event.related) j.related.push_back(r.clone());
    events.push_back(std::move(j));
    return true;
  }
  std::vector<Joined> events;
};

struct KeepProblems final : ReadObserver {
  void on_problem(std::string_view message) override { problems.emplace_back(message); }
  void on_end() override { ++ends; }
  std::vector<std::string> problems;
  int ends = 0;
};

}  // namespace pkgly_trail::testing
