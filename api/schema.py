"""How the schema names the token: ``Authorization: Bearer gfp_…`` (drf-spectacular extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "单位令牌"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "系统管理员在后台为部门或乡镇创建的令牌：Authorization: Bearer gfp_…",
        }
