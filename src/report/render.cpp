#include "pkgly_trail/report/render.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "renderers.hpp"

namespace pkgly_trail {

void render_report(const Report& report, OutputStream& out, const RenderOptions& options) {
  using namespace report_detail;
  switch (options.format) {
    case ReportFormat::Json:
      render_json(report, out);
      break;
    case ReportFormat::Csv:
    case ReportFormat::Tsv:
      render_delimited(report, out, options.format == ReportFormat::Tsv, options.raw_csv,
                       options.terminal);
      break;
    case ReportFormat::Markdown:
      render_markdown(report, out);
      break;
    case ReportFormat::Html:
      render_html(report, out);
      break;
    case ReportFormat::Text:
      render_text(report, out);
      break;
  }
  out.flush();
}

std::string write_report_files(const Report& report, const std::string& dir,
                               const RenderOptions& options) {
  const bool tsv = options.format == ReportFormat::Tsv;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return fmt::format("cannot create directory {}: {}", dir, std::strerror(errno));
  const ReportTable scope = report.scope_table(), inputs = report.inputs_table();
  std::vector<const ReportTable*> tables;
  if (!report.group_by) tables.push_back(&report.totals);
  for (const ReportTable& table : report.sections) tables.push_back(&table);
  if (!report.group_by) {
    tables.push_back(&scope);
    tables.push_back(&inputs);
  }
  for (const ReportTable* table : tables) {
    const std::string path = fmt::format("{}/{}.{}", dir, table->name, tsv ? "tsv" : "csv");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fmt::format("cannot write {}: {}", path, std::strerror(errno));
    std::string error;
    {
      OutputStream out(fd);
      report_detail::render_delimited_table(*table, out, tsv, options.raw_csv);
      out.flush();
      if (out.failed()) error = fmt::format("{} ({})", out.error(), path);
    }
    if (::close(fd) != 0 && error.empty())
      error = fmt::format("cannot write {}: {}", path, std::strerror(errno));
    if (!error.empty()) return error;
  }
  return {};
}

}  // namespace pkgly_trail
