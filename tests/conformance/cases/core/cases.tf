resource "terraform_data" "case001" {
  input = "plain"
}

resource "terraform_data" "case002" {
  input = 42
}

resource "terraform_data" "case003" {
  input = -7
}

resource "terraform_data" "case004" {
  input = 3.25
}

resource "terraform_data" "case005" {
  input = true
}

resource "terraform_data" "case006" {
  input = null
}

resource "terraform_data" "case007" {
  input = 1 + 2 * 3
}

resource "terraform_data" "case008" {
  input = (1 + 2) * 3
}

resource "terraform_data" "case009" {
  input = 5 / 2
}

resource "terraform_data" "case010" {
  input = 4 / 2
}

resource "terraform_data" "case011" {
  input = 7 % 3
}

resource "terraform_data" "case012" {
  input = -7 % 3
}

resource "terraform_data" "case013" {
  input = 10 - 12.5
}

resource "terraform_data" "case014" {
  input = 2 * 1.5
}

resource "terraform_data" "case015" {
  input = -(3)
}

resource "terraform_data" "case016" {
  input = !true
}

resource "terraform_data" "case017" {
  input = 1 < 2
}

resource "terraform_data" "case018" {
  input = 3 >= 3
}

resource "terraform_data" "case019" {
  input = "a" == "a"
}

resource "terraform_data" "case020" {
  input = 1 == "1"
}

resource "terraform_data" "case021" {
  input = 1 != 2
}

resource "terraform_data" "case022" {
  input = true && false
}

resource "terraform_data" "case023" {
  input = true || false
}

resource "terraform_data" "case024" {
  input = !false && (1 > 0)
}

resource "terraform_data" "case025" {
  input = 1 == 1 ? "yes" : "no"
}

resource "terraform_data" "case026" {
  input = false ? 1 : 2
}

resource "terraform_data" "case027" {
  input = var.n > 2 ? "big" : "small"
}

resource "terraform_data" "case028" {
  input = "${1 + 1}"
}

resource "terraform_data" "case029" {
  input = "n=${var.n}"
}

resource "terraform_data" "case030" {
  input = "half=${5 / 2}"
}

resource "terraform_data" "case031" {
  input = "${true}"
}

resource "terraform_data" "case032" {
  input = "tab\tquote\"back\\slash"
}

resource "terraform_data" "case033" {
  input = "line1\nline2"
}

resource "terraform_data" "case034" {
  input = "unicode \u00e9 \U0001F600"
}

resource "terraform_data" "case035" {
  input = "$${literal} and %%{ literal }"
}

resource "terraform_data" "case036" {
  input = "a${"b${"c"}"}d"
}

resource "terraform_data" "case037" {
  input = "%{ if var.n > 2 }big%{ else }small%{ endif }"
}

resource "terraform_data" "case038" {
  input = "%{ if false }never%{ endif }empty"
}

resource "terraform_data" "case039" {
  input = "x %{~ if true ~} y %{~ endif ~} z"
}

resource "terraform_data" "case040" {
  input = "%{ for s in ["a", "b", "c"] }${s},%{ endfor }"
}

resource "terraform_data" "case041" {
  input = "%{ for i, s in ["a", "b"] }${i}=${s};%{ endfor }"
}

resource "terraform_data" "case042" {
  input = "%{ for k, v in { b = 2, a = 1 } }${k}:${v} %{ endfor }"
}

resource "terraform_data" "case043" {
  input = "[%{ for s in var.list_tfvars ~} ${s} %{~ endfor ~}]"
}

resource "terraform_data" "case044" {
  input = <<EOT
hello ${var.name}
  indented
EOT
}

resource "terraform_data" "case045" {
  input = <<-EOT
    trimmed ${var.n}
      more
    EOT
}

resource "terraform_data" "case046" {
  input = <<-EOT
  %{ for k, v in var.tags ~}
  ${k}=${v}
  %{ endfor ~}
  end
  EOT
}

resource "terraform_data" "case047" {
  input = <<EOT
%{ if var.n == 3 }three%{ else }other%{ endif }
EOT
}

resource "terraform_data" "case048" {
  input = <<EOT
no interpolation $${here}
EOT
}

resource "terraform_data" "case049" {
  input = var.name
}

resource "terraform_data" "case050" {
  input = var.n
}

resource "terraform_data" "case051" {
  input = var.tags
}

resource "terraform_data" "case052" {
  input = var.tags["team"]
}

resource "terraform_data" "case053" {
  input = var.from_tfvars
}

resource "terraform_data" "case054" {
  input = var.list_tfvars
}

resource "terraform_data" "case055" {
  input = var.list_tfvars[1]
}

resource "terraform_data" "case056" {
  input = var.cfg
}

resource "terraform_data" "case057" {
  input = var.cfg.size
}

resource "terraform_data" "case058" {
  input = var.cfg.nested
}

resource "terraform_data" "case059" {
  input = var.cfgs
}

resource "terraform_data" "case060" {
  input = var.cfgs[0].port
}

resource "terraform_data" "case061" {
  input = var.cfgmap
}

resource "terraform_data" "case062" {
  input = var.cfgmap["y"].actions
}

resource "terraform_data" "case063" {
  input = var.cfg_tfvars
}

resource "terraform_data" "case064" {
  input = var.num_tfvars * 2
}

resource "terraform_data" "case065" {
  input = var.obj_tfvars
}

resource "terraform_data" "case066" {
  input = local.greeting
}

resource "terraform_data" "case067" {
  input = local.full
}

resource "terraform_data" "case068" {
  input = local.computed
}

resource "terraform_data" "case069" {
  input = local.nested.inner.value
}

resource "terraform_data" "case070" {
  input = local.list[2]
}

resource "terraform_data" "case071" {
  input = local.chain
}

resource "terraform_data" "case072" {
  input = { a = 1, "b-c" = "two", (local.key) = true }
}

resource "terraform_data" "case073" {
  input = [1, "two", true, null]
}

resource "terraform_data" "case074" {
  input = {}
}

resource "terraform_data" "case075" {
  input = []
}

resource "terraform_data" "case076" {
  input = { nested = { deep = [1, { x = "y" }] } }
}

resource "terraform_data" "case077" {
  input = "${var.n}" == "3"
}

resource "terraform_data" "case078" {
  input = var.n == 3.0
}

resource "terraform_data" "case079" {
  input = [1, 2] == [1, 2]
}

resource "terraform_data" "case080" {
  input = { a = 1 } == { a = 1 }
}

resource "terraform_data" "case081" {
  input = null == null
}

resource "terraform_data" "case082" {
  input = 1.5e3
}

resource "terraform_data" "case083" {
  input = 0.1 + 0.2
}

resource "terraform_data" "case084" {
  input = 1e-3 * 1000
}

resource "terraform_data" "case085" {
  input = <<EOT
a
  %{~ if true ~}
  b
  %{~ endif ~}
c
EOT
}

resource "terraform_data" "case086" {
  input = <<-EOT
    first
    %{ if true }
      yes
    %{ endif }
    last
    EOT
}

resource "terraform_data" "case087" {
  input = <<-EOT
  ${var.name} leads
    indented
  EOT
}

resource "terraform_data" "case088" {
  input = <<-EOT
    %{~ for s in ["x", "y"] ~}
      item ${s}
    %{~ endfor ~}
    EOT
}

resource "terraform_data" "case089" {
  input = "a %{~ for s in ["x", "y"] ~} ${s} %{~ endfor ~} b"
}

# Type constraints convert what a variable receives.
resource "terraform_data" "case090" {
  input = var.nums_as_strings
}

resource "terraform_data" "case091" {
  input = var.set_v
}

resource "terraform_data" "case092" {
  input = var.extra_attrs
}

resource "terraform_data" "case093" {
  input = var.tuple_v
}

resource "terraform_data" "case094" {
  input = var.map_num
}

resource "terraform_data" "case095" {
  input = var.any_v
}

resource "terraform_data" "case096" {
  input = var.null_attr
}
