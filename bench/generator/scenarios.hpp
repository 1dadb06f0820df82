// The kinds of requests the simulation makes, and the records Pkgly writes for each: which
// spans, targets, messages and fields, in which order (see /work/shared/samples).
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "catalog.hpp"
#include "log_format.hpp"
#include "queries.hpp"
#include "request_log.hpp"
#include "support.hpp"

namespace loggen {

enum class Scenario {
  // audited routes
  kRepoGet,
  kRepoHead,
  kRepoUpload,
  kDocker,
  kRepoDenied,
  kApiMe,
  kApiMeDenied,
  kLogin,
  kLogout,
  kSearch,
  kRepositoryList,
  kPackageList,
  kUserList,
  kPermissionsUpdate,
  kTokenDelete,
  // not audited: static files, info, not found, validation and server errors
  kAsset,
  kApiInfo,
  kIndex,
  kFavicon,
  kNotFound,
  kLoginInvalid,
  kRepoMissing,
  kRepoError,
  kProxyFailure,
};

// How a repository request authenticated, and its Debug form in the `Repository Request` span.
struct RepoAuth {
  enum Kind { kAnonymous, kBasic, kToken } kind = kAnonymous;
  const User* user = nullptr;
  std::string debug = "NoIdentification";
};

class RequestFactory {
 public:
  RequestFactory(Rng& rng, const RecordWriter& writer, bool real_trace_ids);
  // Renders every record of one new request, of a scenario drawn by weight, into `out`.
  void build(PendingRequest& out);

 private:
  Scenario pick_scenario();
  std::string_view agent_for(Ecosystem e);
  std::string_view browser_agent();
  std::string_view client() { return rng_.pick(kClients); }
  const User* any_user() { return &rng_.pick(kUsers); }
  static const User* admin() { return &kUsers[0]; }

  // shared records
  void sqlx(RequestLog& r, std::initializer_list<const Span*> inner, const Query& q,
            std::int64_t affected, std::int64_t returned);
  void no_credentials(RequestLog& r);
  void session_auth(RequestLog& r);

  // repositories (repository_scenarios.cpp)
  RepoAuth repository_auth(const Repository& repo);
  void repository_auth_records(RequestLog& r, const RepoAuth& a);
  static Span repository_span(const Repository& repo, std::string_view path);
  static Span request_path_span(const Repository& repo, std::string_view path, const RepoAuth& auth,
                                std::string& request_path);
  static std::string storage_file(const Repository& repo, std::string_view path);
  static Span open_file_span(const Repository& repo, std::string_view path);
  Span save_file_span(const Repository& repo, std::string_view path, const std::string& file,
                      std::int64_t length);
  void repository_read(RequestLog& r, std::string_view method);
  void repository_upload(RequestLog& r);
  void docker(RequestLog& r);
  void repository_denied(RequestLog& r);
  void repository_missing(RequestLog& r);
  void repository_error(RequestLog& r);
  void proxy_failure(RequestLog& r);

  // API, static files (scenarios.cpp)
  void api_me(RequestLog& r);
  void api_me_denied(RequestLog& r);
  void login(RequestLog& r);
  void login_invalid(RequestLog& r);
  void simple_api(RequestLog& r, std::string_view method, std::string_view route,
                  std::string_view path, std::string_view action, const Query* query,
                  std::int64_t status, const User* user);
  void search(RequestLog& r);
  void package_list(RequestLog& r);
  void user_list(RequestLog& r);
  void static_file(RequestLog& r, std::string_view path, std::int64_t status);

  Rng& rng_;
  const RecordWriter& writer_;
  bool real_trace_ids_;
  Span auth_middleware_{"Authentication Middleware"};
  Span verify_login_{"verify_login"};
  Span get_user_and_auth_token_{"get_user_and_auth_token"};
  Span api_auth_from_request_{"api_auth_from_request"};
};

}  // namespace loggen
