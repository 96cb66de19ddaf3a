import Foundation
import Synchronization

/// Work spread over the machine's cores, the results kept in order: what `convert` does a chunk
/// at a time, and what a reader of a long list does a part at a time.
public enum Parallel {
  /// The cores this process may use.
  public static var cores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

  /// `transform` of each of `items`, on up to `workers` threads at once (the caller's one of
  /// them); the first error thrown, by position, is rethrown once all have stopped.
  public static func map<Item: Sendable, Result: Sendable, Failure: Error>(
    _ items: [Item], workers: Int = cores, _ transform: @Sendable (Item) throws(Failure) -> Result
  ) throws(Failure) -> [Result] {
    guard workers > 1, items.count > 1 else { return try items.map(transform) }
    let results = Mutex<[Swift.Result<Result, Failure>?]>(Array(repeating: nil, count: items.count))
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: min(workers, items.count)) { _ in
      while true {
        let index = next.add(1, ordering: .relaxed).oldValue
        guard index < items.count else { return }
        let result = Swift.Result { () throws(Failure) in try transform(items[index]) }
        results.withLock { $0[index] = result }
      }
    }
    var ordered: [Result] = []
    ordered.reserveCapacity(items.count)
    for result in results.withLock({ $0 }) { ordered.append(try result!.get()) }
    return ordered
  }

  /// `make` of each of `chunks` on up to `workers` threads, a wave of four chunks a worker at a
  /// time, each result handed to `use` in order before the next wave is made: output made on
  /// every core and written in order, with four chunks a worker of it in memory at once.
  public static func inOrder<Part: Sendable, Failure: Error>(
    _ chunks: [Range<Int>], workers: Int, make: @Sendable (Range<Int>) -> Part, use: (Part) throws(Failure) -> Void
  ) throws(Failure) {
    for wave in Parallel.chunks(of: chunks.count, size: max(1, workers) * 4) {
      for part in map(Array(chunks[wave]), workers: workers, make) { try use(part) }
    }
  }

  /// `0..<count` cut into ranges of `size` (the last one shorter), in order.
  public static func chunks(of count: Int, size: Int) -> [Range<Int>] {
    stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
  }
}
