#include "pkgly_trail/parse/record_assembler.hpp"

#include <fmt/format.h>
#include <string.h>

#include "pkgly_trail/envelope/envelope.hpp"
#include "pkgly_trail/parse/schema.hpp"
#include "pkgly_trail/parse/span_cache.hpp"
#include "pkgly_trail/parse/text_formats.hpp"
#include "pkgly_trail/parse/text_search.hpp"

namespace pkgly_trail {

namespace {
// docker's json-file driver cuts longer lines into pieces of exactly this size.
constexpr std::size_t kDockerSplit = 16 * 1024;
// How long a Pkgly record that does not fit its schema yet may absorb lines that look like
// new records (see on_line).
constexpr std::uint64_t kMaxHeldLines = 256;
constexpr std::size_t kMaxHeldBytes = 4 * 1024 * 1024;

// The schema of the Pkgly target the first line names (pkgly::audit, pkgly::access,
// pkgly::upstream_access), and where the text after the target starts. A cheap test before
// the real parse.
struct NamedSchema {
  const Schema* schema = nullptr;
  std::size_t after_target = 0;
};

NamedSchema named_schema(std::string_view line) noexcept {
  constexpr std::string_view kPrefix = "pkgly::";
  std::size_t at = 0;
  for (;;) {
    const std::size_t hit = find_text(line.substr(at), kPrefix);
    if (hit == std::string_view::npos) break;
    at += hit;
    std::string_view rest = line.substr(at);
    for (std::string_view target : {kAuditTarget, kAccessTarget, kUpstreamAccessTarget}) {
      if (!rest.starts_with(target)) continue;
      if (rest.size() > target.size() && rest[target.size()] != ':' &&
          rest[target.size()] != '\x1b' && rest[target.size()] != '"')
        continue;
      return {find_schema(target), at + target.size()};
    }
    at += kPrefix.size();
  }
  return {};
}
}  // namespace

struct RecordAssembler::Pending {
  std::string service;
  std::string text;  // the record's lines so far, joined by '\n'
  Format format = Format::Full;
  bool active = false;
  std::uint64_t first_line = 0;
  std::uint64_t lines = 0;
  std::size_t last_piece = 0;  // length of the last physical line
  bool schema = false;         // a Pkgly target with a fixed schema, in a text format
  std::string_view last_key;   // the key such a record always ends with or after
  std::size_t after_target = 0;
  bool fit_known = false;      // `fit` describes the current text
  SchemaFit fit = SchemaFit::None;
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

  // A Display value may contain a newline followed by text that looks like a whole record
  // (`query=x\n2025-11-20T... INFO pkgly::audit: Audit event ...`). While a Pkgly record does
  // not fit its schema yet, its genuine end is still to come: the line belongs to it, and no
  // event can be forged that way.
  // Only a record cut short before its last required key is held this way; one that has it
  // but does not fit (an unknown variant of the schema) is split generically as usual.
  if (pending.active && pending.schema && pending.lines < kMaxHeldLines &&
      pending.text.size() < kMaxHeldBytes &&
      (starts_line_record(body) || starts_pretty_record(body)) && cut_short(pending) &&
      fit_of(pending) == SchemaFit::Broken) {
    return append(pending, body);
  }
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
  }
  append(pending, body);
}

void RecordAssembler::append(Pending& pending, std::string_view body) {
  if (pending.format != Format::Json && pending.last_piece != kDockerSplit)
    pending.text.push_back('\n');
  pending.text.append(body);
  pending.last_piece = body.size();
  ++pending.lines;
  pending.fit_known = false;
  if (parsed_for_ == &pending) parsed_for_ = nullptr;
  complete_if_whole(pending);
}

bool RecordAssembler::cut_short(const Pending& pending) const noexcept {
  std::string_view after = std::string_view(pending.text).substr(pending.after_target);
  return after.find(pending.last_key) == std::string_view::npos;
}

SchemaFit RecordAssembler::fit_of(Pending& pending) {
  if (!pending.fit_known) {
    record_.clear();
    pending.fit = parse(pending) ? record_.schema_fit : SchemaFit::Broken;
    pending.fit_known = true;
    parsed_for_ = &pending;
  }
  return pending.fit;
}

// A Pkgly record in full or compact format whose last field is typed (an integer) cannot go on
// over another line once it fits its schema: hand it on now, not when the next line comes.
void RecordAssembler::complete_if_whole(Pending& pending) {
  if (!pending.schema || pending.format == Format::Pretty || !may_match(pending.text)) return;
  if (fit_of(pending) == SchemaFit::Complete) complete(pending);
}

bool RecordAssembler::parse(Pending& pending) {
  switch (pending.format) {
    case Format::Json:
      return json_.parse(pending.text, record_);
    case Format::Pretty:
      return parse_pretty_record(pending.text, record_);
    default:
      spans_.begin_record();
      return parse_line_record(pending.text, record_, &spans_);
  }
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
  pending.fit_known = false;
  if (parsed_for_ == &pending) parsed_for_ = nullptr;
  NamedSchema named = format == Format::Json ? NamedSchema{} : named_schema(body);
  pending.schema = named.schema != nullptr;
  pending.last_key = named.schema ? last_required_key(*named.schema) : std::string_view{};
  pending.after_target = named.after_target;
  // A complete JSON object cannot continue: hand it on now rather than at the next line.
  if (format == Format::Json && body.size() != kDockerSplit && body.back() == '}')
    complete(pending);
  complete_if_whole(pending);
}

bool RecordAssembler::may_match(std::string_view text) const noexcept {
  if (options_.required_text.empty()) return true;
  for (const std::string& needle : options_.required_text)
    if (find_text(text, needle) != std::string_view::npos) return true;
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
  const bool parsed_already = parsed_for_ == &pending && pending.fit_known;
  parsed_for_ = nullptr;
  bool parsed = parsed_already && pending.fit != SchemaFit::Broken;
  if (!parsed_already) {
    record_.clear();
    parsed = parse(pending);
  } else if (pending.fit == SchemaFit::Broken) {
    // fit_of() records Broken both for "parsed, schema did not fit" and "did not parse".
    record_.clear();
    parsed = parse(pending);
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
