# The libFuzzer targets, one fuzz/<name>.cpp each (fuzz/README.md says what each feeds).
set(PKGLY_TRAIL_FUZZ_TARGETS envelope_fuzz line_format_fuzz pretty_format_fuzz json_format_fuzz
  filter_fuzz pipeline_fuzz forgery_fuzz input_fuzz)
