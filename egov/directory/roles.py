"""The fixed set of officer roles ("vai trò cán bộ")."""

from django.db import models


class Role(models.TextChoices):
    DESK_OFFICER = "desk_officer", "Cán bộ một cửa (Desk officer)"
    SPECIALIST = "specialist", "Chuyên viên (Specialist)"
    DEPARTMENT_HEAD = "department_head", "Trưởng phòng (Department head)"
    AGENCY_LEADER = "agency_leader", "Lãnh đạo cơ quan (Agency leader)"
    CLERK = "clerk", "Văn thư (Clerk)"
    AGENCY_ADMIN = "agency_admin", "Quản trị cơ quan (Agency administrator)"
    PROVINCE_ADMIN = "province_admin", "Quản trị tỉnh (Province administrator)"
    AUDITOR = "auditor", "Thanh tra, kiểm toán (Auditor)"


ADMIN_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN})
PROVINCE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.AUDITOR})
