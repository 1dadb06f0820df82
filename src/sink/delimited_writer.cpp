// CSV (RFC 4180) and TSV cells and rows, shared by the csv/tsv sinks and the report's csv
// rendering. Rows end with "\n" rather than RFC 4180's "\r\n": the output is read by Unix
// tools first, and spreadsheet importers accept both.
#include "pkgly_trail/sink/delimited_writer.hpp"

#include "pkgly_trail/sink/terminal_text.hpp"

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

DelimitedWriter::DelimitedWriter(OutputStream& out, std::vector<std::string> columns, bool tsv,
                                 bool raw, bool terminal)
    : out_(out), columns_(std::move(columns)), tsv_(tsv), raw_(raw), terminal_(terminal) {}

void DelimitedWriter::text_cell(std::string_view text) {
  fmt::memory_buffer& buffer = out_.buffer();
  if (terminal_) {
    // \t \n \r become escapes too, so neither separator can break the row on screen.
    visible_.clear();
    append_terminal_safe(visible_, text);
    text = std::string_view(visible_.data(), visible_.size());
    if (tsv_) {
      buffer.append(text);
      return;
    }
  }
  if (tsv_) {
    append_tsv_cell(buffer, text);
  } else {
    append_csv_cell(buffer, text);
  }
}

void DelimitedWriter::header_once() {
  if (header_written_) return;
  header_written_ = true;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) out_.buffer().push_back(tsv_ ? '\t' : ',');
    text_cell(columns_[i]);
  }
  out_.buffer().push_back('\n');
}

void DelimitedWriter::row(const std::function<std::optional<Value>(std::string_view)>& lookup) {
  header_once();
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) out_.buffer().push_back(tsv_ ? '\t' : ',');
    const std::optional<Value> value = lookup(columns_[i]);
    if (!value || value->kind == ValueKind::Null) continue;
    // OWASP CSV injection: a spreadsheet runs a cell that starts like a formula. Numbers
    // (-5) are data; strings from the log get a leading quote unless --raw-csv.
    const std::string_view text = value->text;
    if (!raw_ && value->kind == ValueKind::String && !text.empty() &&
        (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' ||
         text[0] == '\r')) {
      std::string guarded;
      guarded.reserve(text.size() + 1);
      guarded.push_back('\'');
      guarded.append(text);
      text_cell(guarded);
    } else {
      text_cell(text);
    }
  }
  out_.buffer().push_back('\n');
  out_.maybe_flush();
}

void DelimitedWriter::finish() {
  header_once();
  out_.flush();
}

}  // namespace pkgly_trail
