resource "terraform_data" "case001" {
  input = [for s in ["a", "b"] : upper(s)]
}

resource "terraform_data" "case002" {
  input = [for i, s in ["a", "b"] : "${i}-${s}"]
}

resource "terraform_data" "case003" {
  input = [for s in ["a", "", "b"] : s if s != ""]
}

resource "terraform_data" "case004" {
  input = [for k, v in { b = 2, a = 1 } : "${k}=${v}"]
}

resource "terraform_data" "case005" {
  input = [for v in { b = 2, a = 1 } : v]
}

resource "terraform_data" "case006" {
  input = { for s in ["x", "y"] : s => upper(s) }
}

resource "terraform_data" "case007" {
  input = { for k, v in { b = 2, a = 1 } : v => k }
}

resource "terraform_data" "case008" {
  input = { for s in ["apple", "avocado", "banana"] : substr(s, 0, 1) => s... }
}

resource "terraform_data" "case009" {
  input = { for k, v in var.tags : k => v if k != "env" }
}

resource "terraform_data" "case010" {
  input = [for s in toset(["b", "a"]) : s]
}

resource "terraform_data" "case011" {
  input = [for r in var.cfgs : r.name]
}

resource "terraform_data" "case012" {
  input = { for r in var.cfgs : r.name => r.port }
}

resource "terraform_data" "case013" {
  input = [for i in range(4) : i * i]
}

resource "terraform_data" "case014" {
  input = [for x in [[1, 2], [3]] : length(x)]
}

resource "terraform_data" "case015" {
  input = [for k, v in local.users : { name = k, admin = v.admin }]
}

resource "terraform_data" "case016" {
  input = flatten([for k, v in local.users : [for g in v.groups : "${k}:${g}"]])
}

resource "terraform_data" "case017" {
  input = { for k, v in local.users : k => v.groups if v.admin }
}

resource "terraform_data" "case018" {
  input = length([for x in range(10) : x if x % 2 == 0])
}

resource "terraform_data" "case019" {
  input = [for s in [] : s]
}

resource "terraform_data" "case020" {
  input = { for s in [] : s => s }
}

resource "terraform_data" "case021" {
  input = var.cfgs[*].name
}

resource "terraform_data" "case022" {
  input = var.cfgs.*.port
}

resource "terraform_data" "case023" {
  input = local.users["alice"].groups[*]
}

resource "terraform_data" "case024" {
  input = local.nested_list[*].items[0]
}

resource "terraform_data" "case025" {
  input = local.single[*].name
}

resource "terraform_data" "case026" {
  input = local.nothing[*]
}

resource "terraform_data" "case027" {
  input = [{ a = 1 }, { a = 2 }][*].a
}

resource "terraform_data" "case028" {
  input = local.nested_list.*.items
}

resource "terraform_data" "case029" {
  input = [for o in local.nested_list : o.items[*]]
}

resource "terraform_data" "case030" {
  input = sum([for u in values(local.users) : length(u.groups)])
}

resource "terraform_data" "case031" {
  input = join(",", [for k in keys(local.users) : k])
}

resource "terraform_data" "case032" {
  input = [for i, v in ["x", "y", "z"] : v if i > 0]
}

resource "terraform_data" "case033" {
  input = { for i, v in ["x", "y"] : v => i }
}

resource "terraform_data" "case034" {
  input = [for pair in setproduct(["a", "b"], [1, 2]) : "${pair[0]}${pair[1]}"]
}
