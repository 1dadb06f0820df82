#include "pkgly_trail/parse/record_assembler.hpp"

#include <fmt/format.h>
#include <string.h>

#include "pkgly_trail/envelope/envelope.hpp"
#include "pkgly_trail/parse/span_cache.hpp"
#include "pkgly_trail/parse/text_formats.hpp"

namespace pkgly_trail {

namespace {
// docker's json-file driver cuts longer lines into pieces of exactly this size.
constexpr std::size_t kDockerSplit = 16 * 1024;
}  // namespace

struct RecordAssembler::Pending {
  std::string service;
  std::string text;  // the record's lines so far, joined by '\n'
  Format format = Format::Full;
  bool active = false;
  std::uint64_t first_line = 0;
  std::uint64_t lines = 0;
  std::size_t last_piece = 0;  // length of the last physical line
};

RecordAssembler::RecordAssembler(RecordHandler& handler, AssemblerOptions options)
    : handler_(handler), options_(std::move(options)) {}

RecordAssembler::~RecordAssembler() = default;

void RecordAssembler::begin_input(std::string_view name) {
  flush();
  input_.assign(name);
}

RecordAssembler::Pending& RecordAssembler::pending_for(std::string_view service) {
  for (auto& p : pending_)
    if (p->service == service) return *p;
  pending_.push_back(std::make_unique<Pending>());
  pending_.back()->service.assign(service);
  return *pending_.back();
}

void RecordAssembler::on_line(std::string_view raw_line, std::uint64_t number) {
  ++stats_.lines;
  Envelope envelope = strip_envelope(raw_line);
  if (!options_.service.empty() && !envelope.service.empty() &&
      envelope.service != options_.service) {
    ++stats_.other_service_lines;
    return;
  }
  std::string_view body = envelope.body;
  Pending& pending = pending_for(envelope.service);

  if (starts_json_record(body)) return start(pending, body, number, Format::Json);
  if (starts_line_record(body)) return start(pending, body, number, Format::Full);
  if (starts_pretty_record(body)) return start(pending, body, number, Format::Pretty);

  if (!pending.active) {
    ++stats_.non_tracing_lines;
    return;
  }
  if (body.empty() && pending.format == Format::Pretty) {
    // The blank line that ends a pretty record belongs to it.
    ++pending.lines;
    complete(pending);
    return;
  }
  if (pending.format == Format::Json) {
    // JSON records are one line; only docker's 16 KiB split continues one, without '\n'.
    if (pending.last_piece != kDockerSplit) {
      complete(pending);
      ++stats_.non_tracing_lines;
      return;
    }
  } else if (pending.last_piece != kDockerSplit) {
    pending.text.push_back('\n');
  }
  pending.text.append(body);
  pending.last_piece = body.size();
  ++pending.lines;
}

void RecordAssembler::start(Pending& pending, std::string_view body, std::uint64_t number,
                            Format format) {
  if (pending.active) complete(pending);
  pending.active = true;
  pending.format = format;
  pending.first_line = number;
  pending.lines = 1;
  pending.last_piece = body.size();
  pending.text.assign(body);
  // A complete JSON object cannot continue: hand it on now rather than at the next line.
  if (format == Format::Json && body.size() != kDockerSplit && body.back() == '}')
    complete(pending);
}

bool RecordAssembler::may_match(std::string_view text) const noexcept {
  if (options_.required_text.empty()) return true;
  for (const std::string& needle : options_.required_text)
    if (memmem(text.data(), text.size(), needle.data(), needle.size()) != nullptr) return true;
  return false;
}

void RecordAssembler::complete(Pending& pending) {
  if (!pending.active) return;
  pending.active = false;
  if (!may_match(pending.text)) {
    ++stats_.records;
    ++stats_.records_skipped;
    ++stats_.records_by_format[static_cast<std::size_t>(pending.format)];
    stats_.record_lines += 1;
    stats_.continuation_lines += pending.lines - 1;
    return;
  }
  record_.clear();
  bool parsed = false;
  switch (pending.format) {
    case Format::Json:
      parsed = json_.parse(pending.text, record_);
      break;
    case Format::Pretty:
      parsed = parse_pretty_record(pending.text, record_);
      break;
    default:
      spans_.begin_record();
      parsed = parse_line_record(pending.text, record_, &spans_);
      break;
  }
  if (!parsed) {
    count_unparsed(pending.first_line, pending.lines);
    return;
  }
  ++stats_.records;
  ++stats_.records_by_format[static_cast<std::size_t>(record_.format)];
  stats_.record_lines += 1;
  stats_.continuation_lines += pending.lines - 1;
  record_.source = SourceRef{input_, pending.first_line};
  record_.service = pending.service;
  handler_.on_record(record_);
}

void RecordAssembler::count_unparsed(std::uint64_t number, std::uint64_t lines) {
  stats_.unparsed_lines += lines;
  if (stats_.first_unparsed.empty())
    stats_.first_unparsed = fmt::format("{}:{}", input_.empty() ? "-" : input_, number);
}

void RecordAssembler::flush() {
  for (auto& p : pending_) complete(*p);
}

}  // namespace pkgly_trail
