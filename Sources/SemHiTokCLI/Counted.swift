/// `count` and `noun`, the noun plural unless the count is 1: "1 image", "3 images".
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
