#pragma once
// `|cidr`: an IPv4 or IPv6 network, and the test of a field value against it.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pkgly_trail::hunt {

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first four
  bool v6 = false;
};

// A textual address as inet_pton reads it (dotted quad, or IPv6 with `::` and an embedded
// dotted quad); nullopt for anything else, an address with a port or a zone included.
// Allocates nothing.
std::optional<IpAddress> parse_ip_address(std::string_view text) noexcept;

struct IpNetwork {
  IpAddress base;
  int prefix_length = 0;

  // An IPv4 address is never inside an IPv6 network, nor the other way round (not even an
  // IPv4-mapped ::ffff:a.b.c.d): Pkgly logs the address as it accepted it.
  bool contains(const IpAddress& address) const noexcept;
};

// `10.0.0.0/8`, `2001:db8::/32`, or a bare address (one host). On failure returns nullopt and
// says why in `error`; host bits set after the prefix are refused rather than masked, since
// `10.1.2.3/8` more often is a typo than meant as 10.0.0.0/8.
std::optional<IpNetwork> parse_ip_network(std::string_view text, std::string& error);

}  // namespace pkgly_trail::hunt
