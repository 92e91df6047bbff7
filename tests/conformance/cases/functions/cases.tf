resource "terraform_data" "case001" {
  input = concat(["a"], ["b", "c"], [])
}

resource "terraform_data" "case002" {
  input = concat([1], [[2]])
}

resource "terraform_data" "case003" {
  input = flatten([["a", ["b"]], [], "c"])
}

resource "terraform_data" "case004" {
  input = flatten([[], []])
}

resource "terraform_data" "case005" {
  input = merge({ a = 1, b = 2 }, { b = 3, c = 4 })
}

resource "terraform_data" "case006" {
  input = merge({ a = "x" }, null, { b = "y" })
}

resource "terraform_data" "case007" {
  input = merge()
}

resource "terraform_data" "case008" {
  input = distinct(["b", "a", "b", "c", "a"])
}

resource "terraform_data" "case009" {
  input = compact(["a", "", "b", null, "c"])
}

resource "terraform_data" "case010" {
  input = toset(["c", "a", "b", "a"])
}

resource "terraform_data" "case011" {
  input = toset([3, 1, 2, 1])
}

resource "terraform_data" "case012" {
  input = tolist(toset(["z", "y"]))
}

resource "terraform_data" "case013" {
  input = tolist(["a", 1, true])
}

resource "terraform_data" "case014" {
  input = tomap({ a = "x", b = "y" })
}

resource "terraform_data" "case015" {
  input = tomap({ a = 1, b = "two" })
}

resource "terraform_data" "case016" {
  input = keys({ b = 1, a = 2, c = 3 })
}

resource "terraform_data" "case017" {
  input = values({ b = 1, a = 2, c = 3 })
}

resource "terraform_data" "case018" {
  input = lookup({ a = "x" }, "a", "d")
}

resource "terraform_data" "case019" {
  input = lookup({ a = "x" }, "z", "d")
}

resource "terraform_data" "case020" {
  input = lookup(var.tags, "team")
}

resource "terraform_data" "case021" {
  input = element(["a", "b", "c"], 1)
}

resource "terraform_data" "case022" {
  input = element(["a", "b", "c"], 5)
}

resource "terraform_data" "case023" {
  input = index(["a", "b", "c"], "c")
}

resource "terraform_data" "case024" {
  input = contains(["a", "b"], "b")
}

resource "terraform_data" "case025" {
  input = contains(["a", "b"], "z")
}

resource "terraform_data" "case026" {
  input = contains([1, 2], 2)
}

resource "terraform_data" "case027" {
  input = length("héllo")
}

resource "terraform_data" "case028" {
  input = length(["a", "b"])
}

resource "terraform_data" "case029" {
  input = length({ a = 1 })
}

resource "terraform_data" "case030" {
  input = length([])
}

resource "terraform_data" "case031" {
  input = coalesce("", "b", "c")
}

resource "terraform_data" "case032" {
  input = coalesce(null, 2)
}

resource "terraform_data" "case033" {
  input = coalesce("", null, "x")
}

resource "terraform_data" "case034" {
  input = coalescelist([], ["a"], ["b"])
}

resource "terraform_data" "case035" {
  input = try(local.obj.missing, "fallback")
}

resource "terraform_data" "case036" {
  input = try(local.obj.present, "fallback")
}

resource "terraform_data" "case037" {
  input = try(tonumber("x"), -1)
}

resource "terraform_data" "case038" {
  input = can(local.obj.missing)
}

resource "terraform_data" "case039" {
  input = can(local.obj.present)
}

resource "terraform_data" "case040" {
  input = can(regex("^a", "abc"))
}

resource "terraform_data" "case041" {
  input = can(regex("^z", "abc"))
}

resource "terraform_data" "case042" {
  input = one([])
}

resource "terraform_data" "case043" {
  input = one(["only"])
}

resource "terraform_data" "case044" {
  input = format("%s-%d", "a", 5)
}

resource "terraform_data" "case045" {
  input = format("%q", "quo\"te")
}

resource "terraform_data" "case046" {
  input = format("%v|%v|%v", "s", 12, true)
}

resource "terraform_data" "case047" {
  input = format("%t", false)
}

resource "terraform_data" "case048" {
  input = format("%f", 3.14159)
}

resource "terraform_data" "case049" {
  input = format("%.2f", 3.14159)
}

resource "terraform_data" "case050" {
  input = format("%5s|%-5s|", "ab", "cd")
}

resource "terraform_data" "case051" {
  input = format("%x %X", 255, 255)
}

resource "terraform_data" "case052" {
  input = format("100%%")
}

resource "terraform_data" "case053" {
  input = format("%05d", 42)
}

resource "terraform_data" "case054" {
  input = format("%+d", 5)
}

resource "terraform_data" "case055" {
  input = format("{0.__class__}")
}

resource "terraform_data" "case056" {
  input = format("%s and {} and %%s", "x")
}

resource "terraform_data" "case057" {
  input = format("%e", 1234.5)
}

resource "terraform_data" "case058" {
  input = format("%.1f", 2.25)
}

resource "terraform_data" "case059" {
  input = format("%3d|", 7)
}

resource "terraform_data" "case060" {
  input = format("%[2]s %[1]s", "a", "b")
}

resource "terraform_data" "case061" {
  input = formatlist("%s=%s", ["a", "b"], ["1", "2"])
}

resource "terraform_data" "case062" {
  input = formatlist("pre-%s", ["x", "y"])
}

resource "terraform_data" "case063" {
  input = formatlist("%s:%d", "k", [1, 2])
}

resource "terraform_data" "case064" {
  input = join(",", ["a", "b", "c"])
}

resource "terraform_data" "case065" {
  input = join("-", ["a"], ["b", "c"])
}

resource "terraform_data" "case066" {
  input = join(",", [])
}

resource "terraform_data" "case067" {
  input = split(",", "a,b,,c")
}

resource "terraform_data" "case068" {
  input = split(",", "")
}

resource "terraform_data" "case069" {
  input = replace("hello world", "o", "0")
}

resource "terraform_data" "case070" {
  input = replace("a-b-c", "/-/", "_")
}

resource "terraform_data" "case071" {
  input = replace("key=value", "/(\\w+)=(\\w+)/", "$2=$1")
}

resource "terraform_data" "case072" {
  input = replace("arn:aws:iam::123:role/x", "/^arn:aws:iam::(\\d+):.*$/", "acct-$1")
}

resource "terraform_data" "case073" {
  input = lower("MiXeD")
}

resource "terraform_data" "case074" {
  input = upper("MiXeD")
}

resource "terraform_data" "case075" {
  input = trim("?!hello?!", "!?")
}

resource "terraform_data" "case076" {
  input = trimspace("  \t padded \n ")
}

resource "terraform_data" "case077" {
  input = trimprefix("helloworld", "hello")
}

resource "terraform_data" "case078" {
  input = trimprefix("helloworld", "x")
}

resource "terraform_data" "case079" {
  input = trimsuffix("helloworld", "world")
}

resource "terraform_data" "case080" {
  input = startswith("hello", "he")
}

resource "terraform_data" "case081" {
  input = endswith("hello", "xo")
}

resource "terraform_data" "case082" {
  input = substr("hello world", 1, 4)
}

resource "terraform_data" "case083" {
  input = substr("hello", -3, -1)
}

resource "terraform_data" "case084" {
  input = substr("hello", 0, 100)
}

resource "terraform_data" "case085" {
  input = regex("[a-z]+", "53453453.345345aaabbbccc23454")
}

resource "terraform_data" "case086" {
  input = regex("(\\d\\d\\d\\d)-(\\d\\d)", "2019-02-01")
}

resource "terraform_data" "case087" {
  input = regex("^(?P<user>[^@]+)@(?P<domain>.+)$", "me@example.com")
}

resource "terraform_data" "case088" {
  input = regexall("[a-z]+", "1a2bb3ccc")
}

resource "terraform_data" "case089" {
  input = regexall("(\\d)(\\w)", "1a 2b")
}

resource "terraform_data" "case090" {
  input = regexall("z", "abc")
}

resource "terraform_data" "case091" {
  input = jsonencode({ b = 1, a = "x<y>&z", c = [true, null, 2.5] })
}

resource "terraform_data" "case092" {
  input = jsonencode("str")
}

resource "terraform_data" "case093" {
  input = jsonencode(42)
}

resource "terraform_data" "case094" {
  input = jsonencode([])
}

resource "terraform_data" "case095" {
  input = jsonencode({})
}

resource "terraform_data" "case096" {
  input = jsonencode({ n = 10 / 4, w = 6 / 3 })
}

resource "terraform_data" "case097" {
  input = jsondecode("{\"a\": [1, 2.5, \"x\"], \"b\": null, \"c\": 3.0}")
}

resource "terraform_data" "case098" {
  input = jsondecode("true")
}

resource "terraform_data" "case099" {
  input = jsondecode(jsonencode({ k = ["v"] }))
}

resource "terraform_data" "case100" {
  input = yamldecode("a: 1\nb: [x, y]\nc: yes\nd: true\ne: ~\n")
}

resource "terraform_data" "case101" {
  input = yamldecode("- 1\n- two\n")
}

resource "terraform_data" "case102" {
  input = yamlencode({ a = 1, b = "two", c = [true, null], d = { e = "f" } })
}

resource "terraform_data" "case103" {
  input = yamlencode(["x", 2])
}

resource "terraform_data" "case104" {
  input = yamlencode("plain")
}

resource "terraform_data" "case105" {
  input = templatefile("${path.module}/tpl/hello.tftpl", { name = "agent", items = ["a", "b"] })
}

resource "terraform_data" "case106" {
  input = templatefile("${path.module}/tpl/policy.json.tftpl", { bucket = "data", actions = ["s3:GetObject", "s3:PutObject"] })
}

resource "terraform_data" "case107" {
  input = setproduct(["a", "b"], ["1", "2"])
}

resource "terraform_data" "case108" {
  input = setproduct(["x"], [])
}

resource "terraform_data" "case109" {
  input = setunion(["b", "a"], ["c", "a"])
}

resource "terraform_data" "case110" {
  input = setintersection(["a", "b", "c"], ["b", "c", "d"])
}

resource "terraform_data" "case111" {
  input = setsubtract(["a", "b", "c"], ["b"])
}

resource "terraform_data" "case112" {
  input = zipmap(["a", "b"], [1, 2])
}

resource "terraform_data" "case113" {
  input = range(3)
}

resource "terraform_data" "case114" {
  input = range(1, 4)
}

resource "terraform_data" "case115" {
  input = range(0, 1, 0.25)
}

resource "terraform_data" "case116" {
  input = range(5, 0, -2)
}

resource "terraform_data" "case117" {
  input = sort(["b", "a", "C"])
}

resource "terraform_data" "case118" {
  input = sort([3, 10, 2])
}

resource "terraform_data" "case119" {
  input = reverse([1, 2, 3])
}

resource "terraform_data" "case120" {
  input = slice(["a", "b", "c", "d"], 1, 3)
}

resource "terraform_data" "case121" {
  input = sum([1, 2, 3.5])
}

resource "terraform_data" "case122" {
  input = min(3, 1, 2)
}

resource "terraform_data" "case123" {
  input = max(3, 1.5, 2)
}

resource "terraform_data" "case124" {
  input = max([4, 9, 2]...)
}

resource "terraform_data" "case125" {
  input = tostring(5)
}

resource "terraform_data" "case126" {
  input = tostring(2.5)
}

resource "terraform_data" "case127" {
  input = tostring(true)
}

resource "terraform_data" "case128" {
  input = tostring(null)
}

resource "terraform_data" "case129" {
  input = tonumber("42")
}

resource "terraform_data" "case130" {
  input = tonumber("3.5")
}

resource "terraform_data" "case131" {
  input = tonumber(null)
}

resource "terraform_data" "case132" {
  input = tobool("true")
}

resource "terraform_data" "case133" {
  input = tobool(false)
}

resource "terraform_data" "case134" {
  input = base64encode("hello agent")
}

resource "terraform_data" "case135" {
  input = base64decode("aGVsbG8gYWdlbnQ=")
}

resource "terraform_data" "case136" {
  input = abs(-3.5)
}

resource "terraform_data" "case137" {
  input = ceil(4.2)
}

resource "terraform_data" "case138" {
  input = floor(-4.2)
}

resource "terraform_data" "case139" {
  input = title("hello agent-world")
}

resource "terraform_data" "case140" {
  input = chunklist(["a", "b", "c", "d", "e"], 2)
}

resource "terraform_data" "case141" {
  input = transpose({ a = ["1", "2"], b = ["2", "3"] })
}

resource "terraform_data" "case142" {
  input = alltrue([true, true])
}

resource "terraform_data" "case143" {
  input = alltrue([])
}

resource "terraform_data" "case144" {
  input = anytrue([false, true])
}

resource "terraform_data" "case145" {
  input = anytrue([])
}

resource "terraform_data" "case146" {
  input = strrev("abc")
}

resource "terraform_data" "case147" {
  input = indent(2, "a\nb\n\nc")
}

resource "terraform_data" "case148" {
  input = chomp("line\n\n")
}

resource "terraform_data" "case149" {
  input = chomp("line")
}

resource "terraform_data" "case150" {
  input = matchkeys(["i-1", "i-2", "i-3"], ["a", "b", "a"], ["a"])
}

resource "terraform_data" "case151" {
  input = keys({ z = { n = 1 }, y = "s" })
}

resource "terraform_data" "case152" {
  input = signum(-5)
}

resource "terraform_data" "case153" {
  input = parseint("ff", 16)
}

resource "terraform_data" "case154" {
  input = concat(local.roles, ["extra"])
}

resource "terraform_data" "case155" {
  input = length(local.roles)
}

resource "terraform_data" "case156" {
  input = upper(local.roles[0])
}
