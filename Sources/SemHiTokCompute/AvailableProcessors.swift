import Foundation

/// The number of CPUs this process may keep busy: the CPUs in its affinity mask (Linux),
/// capped by its cgroup v2 CPU quota (`cpu.max`, of its own cgroup and every ancestor),
/// at least 1. Elsewhere, the active processor count.
enum AvailableProcessors {
    static let count: Int = max(1, min(affinityCount() ?? ProcessInfo.processInfo.activeProcessorCount, quotaCount() ?? .max))

    /// CPUs in the affinity mask of this process, from the `Cpus_allowed_list` line of
    /// `/proc/self/status` (a list of ranges such as "0-3,8").
    private static func affinityCount() -> Int? {
        #if os(Linux)
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") })
        else { return nil }
        var count = 0
        for range in line.dropFirst("Cpus_allowed_list:".count).split(separator: ",") {
            let bounds = range.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard let first = bounds.first ?? nil, let last = bounds.last ?? nil, bounds.count <= 2, last >= first else {
                return nil
            }
            count += last - first + 1
        }
        return count > 0 ? count : nil
        #else
        return nil
        #endif
    }

    /// The smallest CPU quota, rounded up to whole CPUs, over the cgroup of this process and
    /// its ancestors; nil when none sets one.
    private static func quotaCount() -> Int? {
        #if os(Linux)
        guard let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
              let line = membership.split(separator: "\n").first(where: { $0.hasPrefix("0::") })
        else { return nil }
        var path = String(line.dropFirst(3))
        var smallest: Int?
        while true {
            if let quota = quota(inCgroup: "/sys/fs/cgroup" + (path == "/" ? "" : path)) {
                smallest = min(smallest ?? .max, quota)
            }
            guard path != "/", let slash = path.lastIndex(of: "/") else { break }
            path = slash == path.startIndex ? "/" : String(path[..<slash])
        }
        return smallest
        #else
        return nil
        #endif
    }

    /// The quota of one cgroup directory: `cpu.max` holds "max PERIOD" or "QUOTA PERIOD".
    private static func quota(inCgroup directory: String) -> Int? {
        guard let text = try? String(contentsOfFile: directory + "/cpu.max", encoding: .utf8) else { return nil }
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, let quota = Int(fields[0]), let period = Int(fields[1]), quota > 0, period > 0 else {
            return nil
        }
        return (quota + period - 1) / period
    }
}
