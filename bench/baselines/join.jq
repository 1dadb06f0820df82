# Baseline for `pkgly-trail join -o json` on json logs, in one streaming pass of jq:
#   jq -n -c -f bench/baselines/join.jq FILE
# Groups records by the request_id of their `HTTP request` span; when the pkgly::audit record
# comes right after the pkgly::access record of the same request (Pkgly writes them back to
# back), prints {"audit":…, "access":…, "related":[…]} and forgets the request. A request whose
# access record is not followed by its audit record is forgotten at once. Records outside any
# request are skipped. Unlike pkgly-trail it reads only json, does not join by trace_id or
# adjacency, has no time/record window, no caps, and does not normalise the records.
def request_id:
  first((.spans // [])[] | select(.name == "HTTP request") | .request_id) // null;

foreach inputs as $r (
  {requests: {}, last_access: null, out: null, n: 0};
  ($r | request_id) as $id
  | .out = null
  # jq objects keep deleted keys' slots: copy the table now and then, or lookups slow down
  # with the number of requests seen (quadratic time).
  | .n += 1
  | if .n % 1000 == 0 then .requests |= with_entries(.) else . end
  | if $id != null and $r.target == "pkgly::audit" and $id == .last_access then
      .out = {audit: $r, access: .requests[$id].access, related: (.requests[$id].related // [])}
      | del(.requests[$id])
      | .last_access = null
    else
      (if .last_access != null then del(.requests[.last_access]) | .last_access = null else . end)
      | if $id == null then .
        elif $r.target == "pkgly::access" then .requests[$id].access = $r | .last_access = $id
        else .requests[$id].related += [$r]
        end
    end;
  .out // empty
)
