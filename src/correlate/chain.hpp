#pragma once
// A doubly linked list threaded through its elements (an intrusive list): the correlator keeps
// each request and each waiting audit event on several orders at once (by activity, by request,
// by HTTP exchange) and must take one out of all of them in O(1), without an allocation per
// link. The chain owns nothing; the element's owner unlinks it before destroying it.
namespace pkgly_trail::detail {

template <typename T>
struct Links {
  T* prev = nullptr;
  T* next = nullptr;
  bool linked = false;
};

template <typename T, Links<T> T::*L>
class Chain {
 public:
  bool empty() const noexcept { return head_ == nullptr; }
  T* front() const noexcept { return head_; }
  T* back() const noexcept { return tail_; }
  static T* next(const T& item) noexcept { return (item.*L).next; }

  void push_back(T& item) noexcept {
    Links<T>& links = item.*L;
    links.prev = tail_;
    links.next = nullptr;
    links.linked = true;
    if (tail_ != nullptr)
      (tail_->*L).next = &item;
    else
      head_ = &item;
    tail_ = &item;
  }

  // No-op for an element that is not on a chain of this kind.
  void remove(T& item) noexcept {
    Links<T>& links = item.*L;
    if (!links.linked) return;
    if (links.prev != nullptr)
      (links.prev->*L).next = links.next;
    else
      head_ = links.next;
    if (links.next != nullptr)
      (links.next->*L).prev = links.prev;
    else
      tail_ = links.prev;
    links = Links<T>{};
  }

  // Moves every element of `other` to the back of this chain, in order.
  void splice_back(Chain& other) noexcept {
    if (other.empty()) return;
    if (tail_ != nullptr) {
      (tail_->*L).next = other.head_;
      (other.head_->*L).prev = tail_;
    } else {
      head_ = other.head_;
    }
    tail_ = other.tail_;
    other.head_ = other.tail_ = nullptr;
  }

 private:
  T* head_ = nullptr;
  T* tail_ = nullptr;
};

}  // namespace pkgly_trail::detail
