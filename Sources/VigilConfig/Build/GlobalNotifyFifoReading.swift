import VigilCore

extension GlobalNotifyFifoSettings {
    static func read(from reader: inout BlockReader) -> GlobalNotifyFifoSettings {
        let general = fifo(&reader, prefix: "")
        let vrrp = fifo(&reader, prefix: "vrrp_")
        let lvs = fifo(&reader, prefix: "lvs_")
        rejectSharedPaths([("notify_fifo", general), ("vrrp_notify_fifo", vrrp), ("lvs_notify_fifo", lvs)], sink: reader.sink)
        return GlobalNotifyFifoSettings(
            notifyFifo: general, vrrpNotifyFifo: vrrp, lvsNotifyFifo: lvs,
            vrrpNotifyPriorityChanges: reader.flag("vrrp_notify_priority_changes"),
            fifoWriteVrrpStatesOnReload: reader.flag("fifo_write_vrrp_states_on_reload"))
    }

    /// keepalived keeps the first FIFO and the first script of each kind.
    private static func fifo(_ reader: inout BlockReader, prefix: String) -> NotifyFifo? {
        let keyword = prefix + "notify_fifo"
        let sink = reader.sink
        let node = SectionReading.first(&reader, keyword)
        let scriptNode = SectionReading.first(&reader, keyword + "_script")
        let script = scriptNode.flatMap { ScriptInvocation.read($0, sink: sink) }
        guard let node else {
            if let scriptNode {
                sink.warning(
                    "'\(keyword)_script' is given without '\(keyword)' and is ignored", at: scriptNode.location,
                    expected: "'\(keyword) PATH' for the script to read", keyword: keyword + "_script")
            }
            return nil
        }
        guard let path = node.arguments.first else {
            sink.error("'\(keyword)' needs a path", at: node.location, expected: "'\(keyword) PATH [USER [GROUP]]'", keyword: keyword)
            return nil
        }
        let owner = SectionReading.userAndGroup(node, from: 1, sink: sink)
        return NotifyFifo(
            path: Located(path.text, at: path.location), user: owner.user, group: owner.group, script: script, location: node.location)
    }

    /// Two kinds of event written to one FIFO would interleave unpredictably.
    private static func rejectSharedPaths(_ fifos: [(String, NotifyFifo?)], sink: DiagnosticSink) {
        var seen: [String: (keyword: String, line: Int)] = [:]
        for (keyword, fifo) in fifos {
            guard let fifo else { continue }
            if let earlier = seen[fifo.path.value] {
                sink.error(
                    "\(keyword) '\(fifo.path.value)' is the same FIFO as \(earlier.keyword) (line \(earlier.line))",
                    at: fifo.path.location ?? fifo.location, expected: "a different path for each notify FIFO", keyword: keyword)
            } else {
                seen[fifo.path.value] = (keyword, fifo.location.line)
            }
        }
    }
}
