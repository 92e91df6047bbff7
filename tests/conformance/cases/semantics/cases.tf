resource "terraform_data" "case001" {
  input = true ? 1 : "a"
}

resource "terraform_data" "case002" {
  input = false ? 1 : "a"
}

resource "terraform_data" "case003" {
  input = true ? "x" : false
}

resource "terraform_data" "case004" {
  input = "3" + 4
}

resource "terraform_data" "case005" {
  input = "2" * "3"
}

resource "terraform_data" "case006" {
  input = 1 + 2 > 2 && !false || false
}

resource "terraform_data" "case007" {
  input = 5.5 % 2
}

resource "terraform_data" "case008" {
  input = 10 / 3
}

resource "terraform_data" "case009" {
  input = "${10 / 3}"
}

resource "terraform_data" "case010" {
  input = 0.1 * 3
}

resource "terraform_data" "case011" {
  input = 1 / 3 * 3
}

resource "terraform_data" "case012" {
  input = 9007199254740993
}

resource "terraform_data" "case013" {
  input = 2e100
}

resource "terraform_data" "case014" {
  input = "${2e100}"
}

resource "terraform_data" "case015" {
  input = 1e-7 * 1
}

resource "terraform_data" "case016" {
  input = "${0.000001}"
}

resource "terraform_data" "case017" {
  input = -0
}

resource "terraform_data" "case018" {
  input = jsonencode({ u = "é ü 日本", nl = "a\nb\tc", q = "say \"hi\"", ctl = "\u0001", sep = "\u2028" })
}

resource "terraform_data" "case019" {
  input = jsonencode([0.1, 1e-7, 1e21, 123456789012345678, -2.5, 1.0])
}

resource "terraform_data" "case020" {
  input = jsonencode({ "b" = 1, "a" = { "d" = 2, "c" = [{ "f" = 1, "e" = 2 }] } })
}

resource "terraform_data" "case021" {
  input = jsonencode({ html = "<script>alert('x')</script> & more" })
}

resource "terraform_data" "case022" {
  input = jsonencode(null)
}

resource "terraform_data" "case023" {
  input = jsonencode(true)
}

resource "terraform_data" "case024" {
  input = tostring(1e20)
}

resource "terraform_data" "case025" {
  input = tostring(0.5)
}

resource "terraform_data" "case026" {
  input = upper("straße")
}

resource "terraform_data" "case027" {
  input = lower("ÀÉÎ")
}

resource "terraform_data" "case028" {
  input = title("hello_world and-more 3rd")
}

resource "terraform_data" "case029" {
  input = substr("日本語テキスト", 2, 3)
}

resource "terraform_data" "case030" {
  input = length("日本語")
}

resource "terraform_data" "case031" {
  input = strrev("日本語")
}

resource "terraform_data" "case032" {
  input = format("%-8d|%8.3f|%08.2f", 42, 3.14159, -2.5)
}

resource "terraform_data" "case033" {
  input = format("%q", "tab\there ünï")
}

resource "terraform_data" "case034" {
  input = format("%s", 10 / 4)
}

resource "terraform_data" "case035" {
  input = format("%d", 2e3)
}

resource "terraform_data" "case036" {
  input = format("%v", [1, "a"])
}

resource "terraform_data" "case037" {
  input = format("%v", { k = "v" })
}

resource "terraform_data" "case038" {
  input = format("%.3s", "abcdef")
}

resource "terraform_data" "case039" {
  input = format("%b %o", 5, 8)
}

resource "terraform_data" "case040" {
  input = formatlist("%s-%s", ["a", "b"], "x")
}

resource "terraform_data" "case041" {
  input = distinct([1, 2, 1, 3])
}

resource "terraform_data" "case042" {
  input = setunion([3, 1], [2, 1])
}

resource "terraform_data" "case043" {
  input = toset([true, false, true])
}

resource "terraform_data" "case044" {
  input = sort(["b", "B", "a", "_", "1"])
}

resource "terraform_data" "case045" {
  input = split("", "abc")
}

resource "terraform_data" "case046" {
  input = join("", ["a", "b"])
}

resource "terraform_data" "case047" {
  input = replace("aaa", "a", "bb")
}

resource "terraform_data" "case048" {
  input = replace("x.y.z", "/\\./", "/")
}

resource "terraform_data" "case049" {
  input = replace("abc", "/(?P<first>a)/", "[$first]")
}

resource "terraform_data" "case050" {
  input = regex("(?i)HELLO", "say hello")
}

resource "terraform_data" "case051" {
  input = regexall("\\d+", "a1b22c333")
}

resource "terraform_data" "case052" {
  input = try(var.cfg.nested.a, "none")
}

resource "terraform_data" "case053" {
  input = try(var.missing_default, "fallback-from-var")
}

resource "terraform_data" "case054" {
  input = lookup(var.cfg, "size", 0)
}

resource "terraform_data" "case055" {
  input = values(var.tags)
}

resource "terraform_data" "case056" {
  input = var.cfgmap[*]
}

resource "terraform_data" "case057" {
  input = [for k, v in var.cfgmap : v.role]
}

resource "terraform_data" "case058" {
  input = { for k, v in var.cfgmap : k => v.actions[0] }
}

resource "terraform_data" "case059" {
  input = length(var.cfgmap)
}

resource "terraform_data" "case060" {
  input = merge(var.tags, { extra = "yes" })
}

resource "terraform_data" "case061" {
  input = merge({ a = { x = 1 } }, { a = { y = 2 } })
}

resource "terraform_data" "case062" {
  input = keys(var.cfg)
}

resource "terraform_data" "case063" {
  input = contains(keys(var.tags), "team")
}

resource "terraform_data" "case064" {
  input = element(var.list_v, length(var.list_v) - 1)
}

resource "terraform_data" "case065" {
  input = index(var.list_v, "m")
}

resource "terraform_data" "case066" {
  input = slice(var.list_v, 0, 2)
}

resource "terraform_data" "case067" {
  input = reverse(var.list_v)
}

resource "terraform_data" "case068" {
  input = [for i, v in var.list_v : "${i}:${v}"]
}

resource "terraform_data" "case069" {
  input = var.list_v[*]
}

resource "terraform_data" "case070" {
  input = coalesce(var.empty, "was-empty")
}

resource "terraform_data" "case071" {
  input = compact(concat(var.list_v, [var.empty]))
}

resource "terraform_data" "case072" {
  input = alltrue([for v in var.list_v : length(v) == 1])
}

resource "terraform_data" "case073" {
  input = anytrue([for v in var.list_v : v == "z"])
}

resource "terraform_data" "case074" {
  input = sum([for v in range(1, 5) : v * 2])
}

resource "terraform_data" "case075" {
  input = max(0, length(var.list_v) - 5)
}

resource "terraform_data" "case076" {
  input = abs(-0.5) + floor(2.9) + ceil(-1.1)
}

resource "terraform_data" "case077" {
  input = base64encode(jsonencode({ a = 1 }))
}

resource "terraform_data" "case078" {
  input = jsondecode(base64decode(base64encode(jsonencode({ a = [1, 2] }))))
}

resource "terraform_data" "case079" {
  input = yamlencode({ list = ["a", { b = 1 }], empty = [], obj = {}, s = "with: colon", n = 1.5 })
}

resource "terraform_data" "case080" {
  input = yamlencode([["x", "y"], { a = [1] }])
}

resource "terraform_data" "case081" {
  input = chunklist(range(5), 2)
}

resource "terraform_data" "case082" {
  input = flatten([for k, v in var.cfgmap : [for a in v.actions : { key = k, action = a }]])
}

resource "terraform_data" "case083" {
  input = zipmap(keys(var.tags), [for k, v in var.tags : upper(v)])
}

resource "terraform_data" "case084" {
  input = transpose({ admin = ["alice"], dev = ["alice", "bob"] })
}

resource "terraform_data" "case085" {
  input = matchkeys(["a", "b", "c"], [1, 2, 3], [2, 3])
}

resource "terraform_data" "case086" {
  input = setproduct(["a"], [1, 2], [true])
}

resource "terraform_data" "case087" {
  input = one(var.list_one)
}

resource "terraform_data" "case088" {
  input = trimspace("\n  x  \n")
}

resource "terraform_data" "case089" {
  input = indent(4, "first\nsecond")
}

resource "terraform_data" "case090" {
  input = chomp("a\r\n")
}

resource "terraform_data" "case091" {
  input = startswith(var.name_v, "agent")
}

resource "terraform_data" "case092" {
  input = endswith(var.name_v, "-x")
}

resource "terraform_data" "case093" {
  input = can(tonumber("12"))
}

resource "terraform_data" "case094" {
  input = can(tonumber("1x"))
}

# `false && x` and `true || x` stay unknown while x is known only after apply: Terraform does not short-cut.
resource "terraform_data" "seed" {
  input = "seed"
}

resource "terraform_data" "case095" {
  input = false && terraform_data.seed.id == "x"
}

resource "terraform_data" "case096" {
  input = true || terraform_data.seed.id == "x"
}
