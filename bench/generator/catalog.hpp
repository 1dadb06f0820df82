// The registry the generated logs describe: users, storages, repositories and their packages,
// clients, user agents and search queries. Names and ids follow /work/shared/samples.
#pragma once

#include <array>
#include <string_view>

namespace loggen {

struct User {
  std::string_view name;
  int id;
  bool admin;
};

inline constexpr std::array<User, 8> kUsers{{
    {"admin", 1, true},
    {"alice", 2, false},
    {"bob", 3, false},
    {"ci-deployer", 4, false},
    {"carol", 5, false},
    {"erin.k", 7, false},
    {"dave", 9, false},
    {"frank.o", 12, false},
}};

struct Storage {
  std::string_view name;
  std::string_view id;
  std::string_view config;  // Debug of LocalConfig
};

inline constexpr Storage kPrimary{"primary", "75a575b7-61d6-4a7b-960c-80a50eca119e",
                                  "LocalConfig { path: \"/data/storages/primary\" }"};
inline constexpr Storage kArchive{"archive", "face1814-89a5-4670-b6b9-1ea28b2667ae",
                                  "LocalConfig { path: \"/data/storages/archive\" }"};

struct Package {
  std::string_view path;      // as the audit event and the storage see it
  std::string_view url_path;  // as it appears in the URL (npm scopes are %2f-encoded)
};

enum class Ecosystem { kNpm, kMaven, kPython, kDocker };

struct Repository {
  std::string_view name;
  std::string_view id;
  const Storage* storage;
  Ecosystem ecosystem;
  std::string_view type;
  std::string_view full_type;
  bool proxy;
  bool anonymous_read;
  std::string_view upstream;        // base URL of a proxy's upstream registry
  std::string_view handler_target;  // tracing target of the repository type's handler
  std::array<Package, 4> packages;
};

inline constexpr std::array<Repository, 5> kRepositories{{
    {"npm-hosted",
     "9e10e1e0-db6a-4f53-8fc4-920f2f82df34",
     &kPrimary,
     Ecosystem::kNpm,
     "npm",
     "npm/hosted",
     false,
     false,
     "",
     "pkgly::repository::npm::hosted",
     {{{"@acme/eslint-config", "@acme%2feslint-config"},
       {"@acme/ui/-/ui-2.3.1.tgz", "@acme/ui/-/ui-2.3.1.tgz"},
       {"@acme/api-client", "@acme%2fapi-client"},
       {"@acme/ui", "@acme%2fui"}}}},
    {"npm-proxy",
     "a1fec86f-e702-4267-900f-493663efebc8",
     &kPrimary,
     Ecosystem::kNpm,
     "npm",
     "npm/proxy",
     true,
     true,
     "https://npm-upstream.example.com/",
     "pkgly::repository::npm::proxy",
     {{{"lodash", "lodash"},
       {"react", "react"},
       {"typescript", "typescript"},
       {"express/-/express-4.21.1.tgz", "express/-/express-4.21.1.tgz"}}}},
    {"maven-releases",
     "933130b0-bc14-4771-9743-b6974f4c3ff8",
     &kPrimary,
     Ecosystem::kMaven,
     "maven",
     "maven/hosted",
     false,
     false,
     "",
     "pkgly::repository::maven::hosted",
     {{{"com/acme/audit-client/0.7.0/audit-client-0.7.0.pom",
        "com/acme/audit-client/0.7.0/audit-client-0.7.0.pom"},
       {"com/acme/audit-client/0.7.0/audit-client-0.7.0.jar",
        "com/acme/audit-client/0.7.0/audit-client-0.7.0.jar"},
       {"com/acme/billing-service/1.4.2/billing-service-1.4.2.jar",
        "com/acme/billing-service/1.4.2/billing-service-1.4.2.jar"},
       {"com/acme/common-utils/3.0.1/", "com/acme/common-utils/3.0.1/"}}}},
    {"maven-central",
     "61414bf6-3c6d-44ed-a3e5-889dc62cb5b8",
     &kPrimary,
     Ecosystem::kMaven,
     "maven",
     "maven/proxy",
     true,
     true,
     "https://repo1.maven.org/maven2/",
     "pkgly::repository::maven::proxy",
     {{{"org/slf4j/slf4j-api/2.0.13/slf4j-api-2.0.13.pom",
        "org/slf4j/slf4j-api/2.0.13/slf4j-api-2.0.13.pom"},
       {"com/fasterxml/jackson/core/jackson-databind/2.17.2/jackson-databind-2.17.2.jar",
        "com/fasterxml/jackson/core/jackson-databind/2.17.2/jackson-databind-2.17.2.jar"},
       {"com/google/guava/guava/33.3.1-jre/guava-33.3.1-jre.jar",
        "com/google/guava/guava/33.3.1-jre/guava-33.3.1-jre.jar"},
       {"org/apache/commons/commons-lang3/3.17.0/commons-lang3-3.17.0.jar.sha1",
        "org/apache/commons/commons-lang3/3.17.0/commons-lang3-3.17.0.jar.sha1"}}}},
    {"pypi-proxy",
     "87ab074f-3b37-43f3-9de8-7cbdcb4017e1",
     &kArchive,
     Ecosystem::kPython,
     "python",
     "python/proxy",
     true,
     true,
     "https://pypi.org/",
     "pkgly::repository::python::proxy",
     {{{"simple/requests/", "simple/requests/"},
       {"packages/f9/9b/335f9764261e915ed497fcdeb11df5dfd6f7bf257d4a6a2a686d80da4d54/"
        "requests-2.32.3-py3-none-any.whl",
        "packages/f9/9b/335f9764261e915ed497fcdeb11df5dfd6f7bf257d4a6a2a686d80da4d54/"
        "requests-2.32.3-py3-none-any.whl"},
       {"simple/numpy/", "simple/numpy/"},
       {"simple/urllib3/", "simple/urllib3/"}}}},
}};

inline constexpr Repository kDockerHosted{"docker-hosted",
                                          "c1351b55-6578-4458-8366-2b91a098ad11",
                                          &kPrimary,
                                          Ecosystem::kDocker,
                                          "docker",
                                          "docker/hosted",
                                          false,
                                          false,
                                          "",
                                          "pkgly::repository::docker::handlers",
                                          {{{"acme/web/manifests/latest", ""},
                                            {"acme/api/manifests/2.4.1", ""},
                                            {"acme/worker/manifests/2024.11.3", ""},
                                            {"acme/web/manifests/1.9.0", ""}}}};

inline constexpr std::array<std::string_view, 8> kClients{"10.0.4.21",
                                                          "10.0.7.5",
                                                          "10.0.7.6",
                                                          "198.51.100.7",
                                                          "203.0.113.45",
                                                          "192.168.10.57",
                                                          "2001:db8::8a2e:370:7334",
                                                          "172.18.0.1"};

inline constexpr std::array<std::string_view, 2> kNpmAgents{
    "npm/10.9.0 node/v22.11.0 darwin arm64 workspaces/false ci/github-actions",
    "yarn/1.22.22 npm/? node/v20.18.0 linux x64"};
inline constexpr std::array<std::string_view, 2> kMavenAgents{
    "Apache-Maven/3.9.9 (Java 21.0.4; Linux 6.8.0-45-generic)",
    "Gradle/8.10.2 (Linux;6.8.0-45-generic;amd64) (Eclipse Adoptium;21.0.4;21.0.4+7-LTS)"};
inline constexpr std::array<std::string_view, 1> kPythonAgents{
    "pip/24.2 {\"ci\":null,\"cpu\":\"x86_64\",\"distro\":{\"id\":\"bookworm\",\"libc\":{\"lib\":"
    "\"glibc\",\"version\":\"2.36\"},\"name\":\"Debian GNU/Linux\",\"version\":\"12\"},"
    "\"implementation\":{\"name\":\"CPython\",\"version\":\"3.11.2\"},\"installer\":{\"name\":"
    "\"pip\",\"version\":\"24.2\"},\"openssl_version\":\"OpenSSL 3.0.14 4 Jun 2024\",\"python\":"
    "\"3.11.2\",\"system\":{\"name\":\"Linux\",\"release\":\"6.8.0-45-generic\"}}"};
inline constexpr std::array<std::string_view, 1> kDockerAgents{
    "docker/27.3.1 go/go1.22.7 git-commit/41ca978 kernel/6.8.0-45-generic os/linux arch/amd64 "
    "UpstreamClient(Docker-Client/27.3.1 \\(linux\\))"};
inline constexpr std::array<std::string_view, 3> kBrowserAgents{
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 "
    "Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.0 Safari/605.1.15"};
// User agents that look like other fields of the records (forged `key=value`).
inline constexpr std::array<std::string_view, 2> kHostileAgents{
    "curl/8.5.0 outcome=denied actor_username=admin",
    "python-requests/2.32.3 user=root http.response.status_code=200 "
    "request_id=00000000-0000-0000-0000-000000000000"};

// Search queries: the audit `query` field is Display, written unquoted in the text formats.
inline constexpr std::array<std::string_view, 9> kSearchQueries{
    "nginx",
    "jackson",
    "api-client",
    "commons",
    "lodash",
    "react hooks",
    "left-pad\" action=\"auth.login\" outcome=\"success",
    "x outcome=denied actor_username=admin",
    "2025-11-20T10:15:30.123456Z  INFO pkgly::access: HTTP access"};

inline constexpr std::array<std::string_view, 8> kAssets{
    "/assets/index-c49f765f.js", "/assets/index-bb072893.js", "/assets/index-acebeb78.css",
    "/assets/index-743eacbf.js", "/assets/index-6ec49477.js", "/assets/RepositoryView-4b7cc188.js",
    "/assets/index-2d0c26d3.js", "/assets/index-036c475b.js"};

inline constexpr std::array<std::string_view, 4> kNotFoundPaths{
    "/.git/config", "/api/unknown-endpoint", "/wp-login.php", "/.env"};

}  // namespace loggen
