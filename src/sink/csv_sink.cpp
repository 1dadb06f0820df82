// --format csv / tsv. A column is resolved with Record::lookup; an absent or null value is an
// empty cell. Rows end with "\n" rather than RFC 4180's "\r\n": the output is read by Unix
// tools first, and spreadsheet importers accept both.
#include "sinks.hpp"

namespace pkgly_trail {

// RFC 4180: quote a cell holding the separator, a quote or a line break, and one with leading
// or trailing blanks (importers trim those otherwise); quotes inside are doubled.
void append_csv_cell(fmt::memory_buffer& out, std::string_view text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!text.empty() && (text.front() == ' ' || text.front() == '\t' ||
                                        text.back() == ' ' || text.back() == '\t'));
  if (!quote) {
    out.append(text);
    return;
  }
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"') continue;
    out.append(text.data() + run, text.data() + i + 1);
    out.push_back('"');
    run = i + 1;
  }
  out.append(text.data() + run, text.data() + text.size());
  out.push_back('"');
}

// TSV has no quoting: the characters that would break a row become backslash escapes
// (\t \n \r, and \\ so the escapes are reversible), as PostgreSQL's text COPY does.
void append_tsv_cell(fmt::memory_buffer& out, std::string_view text) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char letter = 0;
    switch (text[i]) {
      case '\t':
        letter = 't';
        break;
      case '\n':
        letter = 'n';
        break;
      case '\r':
        letter = 'r';
        break;
      case '\\':
        letter = '\\';
        break;
      default:
        continue;
    }
    out.append(text.data() + run, text.data() + i);
    out.push_back('\\');
    out.push_back(letter);
    run = i + 1;
  }
  out.append(text.data() + run, text.data() + text.size());
}

namespace {

class DelimitedSink final : public RecordSink {
 public:
  DelimitedSink(OutputStream& out, std::vector<std::string> columns, bool tsv)
      : out_(out), columns_(std::move(columns)), tsv_(tsv) {}

  void write(const Record& record) override {
    write_header_once();
    fmt::memory_buffer& buffer = out_.buffer();
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) buffer.push_back(separator());
      const std::optional<Value> value = record.lookup(columns_[i]);
      if (value && value->kind != ValueKind::Null) append_cell(buffer, value->text);
    }
    buffer.push_back('\n');
    out_.maybe_flush();
  }

  // No records still gives a header, so a consumer sees the columns.
  void finish() override {
    write_header_once();
    out_.flush();
  }

 private:
  char separator() const noexcept { return tsv_ ? '\t' : ','; }
  void append_cell(fmt::memory_buffer& buffer, std::string_view text) const {
    if (tsv_) {
      append_tsv_cell(buffer, text);
    } else {
      append_csv_cell(buffer, text);
    }
  }
  void write_header_once() {
    if (header_written_) return;
    header_written_ = true;
    fmt::memory_buffer& buffer = out_.buffer();
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) buffer.push_back(separator());
      append_cell(buffer, columns_[i]);
    }
    buffer.push_back('\n');
  }

  OutputStream& out_;
  std::vector<std::string> columns_;
  bool tsv_;
  bool header_written_ = false;
};

}  // namespace

std::unique_ptr<RecordSink> make_delimited_sink(OutputStream& out, std::vector<std::string> columns,
                                                bool tsv) {
  return std::make_unique<DelimitedSink>(out, std::move(columns), tsv);
}

}  // namespace pkgly_trail
