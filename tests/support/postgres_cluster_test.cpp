// The throwaway server that the --postgres tests stand on: if it lies about being up or down,
// or two tests share one, those tests prove nothing.
#include "support/postgres_cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

namespace {

using Catch::Matchers::Contains;
using pkgly_trail::testing::PostgresCluster;
using pkgly_trail::testing::require_postgres;

// Whether something accepts TCP connections on 127.0.0.1:port.
bool listening(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

}  // namespace

TEST_CASE("a postgres cluster answers before and after a restart and not after stop",
          "[may-skip][postgres]") {
  require_postgres();
  PostgresCluster cluster;
  const std::string port = std::to_string(cluster.port());
  CHECK(cluster.conninfo() ==
        "host=127.0.0.1 port=" + port + " user=postgres dbname=postgres connect_timeout=5");
  CHECK(cluster.create_database("trail") ==
        "host=127.0.0.1 port=" + port + " user=postgres dbname=trail connect_timeout=5");
  CHECK(cluster.query("trail", "select 1") == "1");
  CHECK(cluster.query("trail", "select current_database()") == "trail");
  CHECK_THROWS_WITH(cluster.query("trail", "select no_such_column"), Contains("no_such_column"));
  cluster.query("trail", "create table kept (n int); insert into kept values (7)");

  cluster.restart();
  CHECK(cluster.port() == std::stoi(port));
  CHECK(cluster.query("trail", "select 1") == "1");
  CHECK(cluster.query("trail", "select n from kept") == "7");

  cluster.stop();
  CHECK_FALSE(listening(cluster.port()));
  CHECK_THROWS_WITH(cluster.query("trail", "select 1"), Contains("Connection refused"));
}

TEST_CASE("two postgres clusters at once are separate servers", "[may-skip][postgres]") {
  require_postgres();
  std::uint16_t ports[2] = {};
  {
    PostgresCluster first;
    PostgresCluster second;
    ports[0] = first.port();
    ports[1] = second.port();
    CHECK(ports[0] != ports[1]);
    first.create_database("only_in_first");
    CHECK(first.query("postgres",
                      "select count(*) from pg_database where datname = "
                      "'only_in_first'") == "1");
    CHECK(second.query("postgres",
                       "select count(*) from pg_database where datname = "
                       "'only_in_first'") == "0");
  }
  // The destructors stopped both servers.
  CHECK_FALSE(listening(ports[0]));
  CHECK_FALSE(listening(ports[1]));
}
