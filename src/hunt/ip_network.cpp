#include "ip_network.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>
#include <cstring>

namespace pkgly_trail::hunt {

std::optional<IpAddress> parse_ip_address(std::string_view text) noexcept {
  // inet_pton wants a C string: the longest IPv6 text (with an embedded IPv4) is 45 bytes.
  char buffer[64];
  if (text.empty() || text.size() >= sizeof buffer) return std::nullopt;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress address;
  address.v6 = text.find(':') != std::string_view::npos;
  if (inet_pton(address.v6 ? AF_INET6 : AF_INET, buffer, address.bytes.data()) != 1)
    return std::nullopt;
  return address;
}

bool IpNetwork::contains(const IpAddress& address) const noexcept {
  if (address.v6 != base.v6) return false;
  const int whole = prefix_length / 8;
  if (std::memcmp(address.bytes.data(), base.bytes.data(), static_cast<std::size_t>(whole)) != 0)
    return false;
  const int rest = prefix_length % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFFU << (8 - rest));
  return (address.bytes[static_cast<std::size_t>(whole)] & mask) ==
         (base.bytes[static_cast<std::size_t>(whole)] & mask);
}

std::optional<IpNetwork> parse_ip_network(std::string_view text, std::string& error) {
  const std::size_t slash = text.find('/');
  const std::string_view address_text = text.substr(0, slash);
  const std::optional<IpAddress> address = parse_ip_address(address_text);
  if (!address) {
    error = fmt::format("'{}' is not an IPv4 or IPv6 address", address_text);
    return std::nullopt;
  }
  IpNetwork network;
  network.base = *address;
  const int max_length = address->v6 ? 128 : 32;
  network.prefix_length = max_length;
  if (slash != std::string_view::npos) {
    const std::string_view length_text = text.substr(slash + 1);
    int length = -1;
    const auto [end, ec] =
        std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
    if (length_text.empty() || ec != std::errc() ||
        end != length_text.data() + length_text.size() || length < 0 || length > max_length) {
      error = fmt::format("'{}' is not a prefix length (0 to {})", length_text, max_length);
      return std::nullopt;
    }
    network.prefix_length = length;
  }
  IpNetwork masked = network;
  for (int bit = network.prefix_length; bit < max_length; ++bit)
    masked.base.bytes[static_cast<std::size_t>(bit / 8)] &=
        static_cast<std::uint8_t>(~(0x80U >> (bit % 8)));
  if (masked.base.bytes != network.base.bytes) {
    char shown[INET6_ADDRSTRLEN];
    inet_ntop(address->v6 ? AF_INET6 : AF_INET, masked.base.bytes.data(), shown, sizeof shown);
    error = fmt::format("'{}' has host bits set after the prefix: did you mean {}/{}?", text, shown,
                        network.prefix_length);
    return std::nullopt;
  }
  return network;
}

}  // namespace pkgly_trail::hunt
