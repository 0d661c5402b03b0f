"""Demo province: Bắc Kạn as the 2020 seed article describes it (docs/directory.md).

Scale (seed article, May 2020): the one-stop system ran in 16 provincial
administrative agencies, 8/8 districts and 108/108 communes; 15 departments
received dossiers at the provincial Public Administration Service Center.

AGENCY IDENTIFIERS ARE ILLUSTRATIVE, not Bắc Kạn's published list. They follow
the QCVN 102:2016 structure ``V1V2V3.Z1Z2.Y1Y2.MX1X2`` the way deployed provinces
use it (see the Tây Ninh sample in shared/samples/agency_codes): the province is
``000.00.00.H06``; level-2 units (departments and districts) use Y1Y2
(departments 01-16, districts the last two digits of their national statistics
code: 58, 60-66); level-3 units use Z1Z2 under their level-2 unit (communes
``000.CC.DD.H06``, the Service Center ``000.01.01.H06`` under the Office of the
People's Committee, which runs it). So the importer's parent inference
(egov.directory.importing.parent_candidates) rebuilds the same tree from the codes.

COMMUNES: the installed vietnam-provinces 2025.10.1 ships only the post-July-2025
units (34 provinces; Bắc Kạn survives only as "Phường Bắc Kạn" of Thái Nguyên), so
its legacy data could not be used. The names and statistics codes below are from
the General Statistics Office list dated 2021-02-03 as redistributed by the same
project (sunshine-tech/VietnamProvinces, dev/seed-data/Xa_2021-02-03.csv): it is
the state after Resolution 855/NQ-UBTVQH14 (merges in force 01/02/2020), with 108
commune-level units, the number in the seed article. The project's list dated
2020-02-25 still shows 122 (the pre-merger units), which is why it was not used.
Districts: TP Bắc Kạn 8, Pác Nặm 10, Ba Bể 15, Ngân Sơn 10, Bạch Thông 14,
Chợ Đồn 20, Chợ Mới 14, Na Rì 17 = 108.

PROVINCIAL AGENCIES: the 16 chosen are the Office of the People's Committee and
the 15 departments that received dossiers at the Service Center in 2020, to the
best of our knowledge; Thanh tra tỉnh and Ban Dân tộc are left out (few or no
procedures at the centre).
"""

PROVINCE = {
    "code": "000.00.00.H06",
    "name": "UBND tỉnh Bắc Kạn",
    "short_name": "UBND tỉnh",
    "address": "Số 7, đường Trường Chinh, phường Đức Xuân, thành phố Bắc Kạn",
}

# (Y1Y2, name, short name, departments (code, name))
PROVINCIAL_AGENCIES = [
    (
        "01",
        "Văn phòng UBND tỉnh Bắc Kạn",
        "VP UBND tỉnh",
        [("hcth", "Phòng Hành chính - Tổ chức"), ("kstthc", "Phòng Kiểm soát thủ tục hành chính")],
    ),
    ("02", "Sở Nội vụ", "SNV", [("vp", "Văn phòng Sở"), ("tccb", "Phòng Tổ chức, công chức")]),
    ("03", "Sở Tư pháp", "STP", [("vp", "Văn phòng Sở"), ("hctp", "Phòng Hành chính tư pháp")]),
    (
        "04",
        "Sở Kế hoạch và Đầu tư",
        "SKHĐT",
        [("vp", "Văn phòng Sở"), ("dkkd", "Phòng Đăng ký kinh doanh")],
    ),
    (
        "05",
        "Sở Tài chính",
        "STC",
        [("vp", "Văn phòng Sở"), ("qlgcs", "Phòng Quản lý giá, công sản")],
    ),
    ("06", "Sở Công Thương", "SCT", [("vp", "Văn phòng Sở"), ("qltm", "Phòng Quản lý thương mại")]),
    (
        "07",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "SNN&PTNT",
        [("vp", "Văn phòng Sở"), ("kl", "Chi cục Kiểm lâm")],
    ),
    (
        "08",
        "Sở Giao thông vận tải",
        "SGTVT",
        [("vp", "Văn phòng Sở"), ("qlvt", "Phòng Quản lý vận tải, phương tiện và người lái")],
    ),
    ("09", "Sở Xây dựng", "SXD", [("vp", "Văn phòng Sở"), ("qlxd", "Phòng Quản lý xây dựng")]),
    (
        "10",
        "Sở Tài nguyên và Môi trường",
        "STNMT",
        [("vp", "Văn phòng Sở"), ("qldd", "Phòng Quản lý đất đai")],
    ),
    (
        "11",
        "Sở Thông tin và Truyền thông",
        "STTTT",
        [("vp", "Văn phòng Sở"), ("bcxb", "Phòng Báo chí - Xuất bản")],
    ),
    (
        "12",
        "Sở Lao động - Thương binh và Xã hội",
        "SLĐTBXH",
        [("vp", "Văn phòng Sở"), ("ncc", "Phòng Người có công")],
    ),
    (
        "13",
        "Sở Văn hóa, Thể thao và Du lịch",
        "SVHTTDL",
        [("vp", "Văn phòng Sở"), ("qlvh", "Phòng Quản lý văn hóa")],
    ),
    (
        "14",
        "Sở Khoa học và Công nghệ",
        "SKHCN",
        [("vp", "Văn phòng Sở"), ("qlcn", "Phòng Quản lý công nghệ")],
    ),
    (
        "15",
        "Sở Giáo dục và Đào tạo",
        "SGDĐT",
        [("vp", "Văn phòng Sở"), ("khtc", "Phòng Kế hoạch - Tài chính")],
    ),
    ("16", "Sở Y tế", "SYT", [("vp", "Văn phòng Sở"), ("nvy", "Phòng Nghiệp vụ Y")]),
]

SERVICE_CENTER = {
    "code": "000.01.01.H06",
    "name": "Trung tâm Phục vụ hành chính công tỉnh Bắc Kạn",
    "short_name": "TTPVHCC",
    "parent": "000.00.01.H06",
    "departments": [
        ("tiep-nhan", "Bộ phận tiếp nhận và trả kết quả"),
        ("giam-sat", "Bộ phận giám sát, hướng dẫn"),
    ],
}

# Departments of every district People's Committee.
DISTRICT_DEPARTMENTS = [
    ("vp", "Văn phòng HĐND và UBND"),
    ("mot-cua", "Bộ phận Một cửa"),
    ("noi-vu", "Phòng Nội vụ"),
    ("tu-phap", "Phòng Tư pháp"),
    ("tc-kh", "Phòng Tài chính - Kế hoạch"),
    ("tn-mt", "Phòng Tài nguyên và Môi trường"),
    ("ld-tbxh", "Phòng Lao động - Thương binh và Xã hội"),
    ("kt-ht", "Phòng Kinh tế và Hạ tầng"),
]
COMMUNE_DEPARTMENTS = [("mot-cua", "Bộ phận Một cửa")]

# (statistics code, Y1Y2, People's Committee name, communes [(statistics code, name)])
DISTRICTS = [
    (
        "058",
        "58",
        "UBND thành phố Bắc Kạn",
        [
            ("01834", "Phường Nguyễn Thị Minh Khai"),
            ("01837", "Phường Sông Cầu"),
            ("01840", "Phường Đức Xuân"),
            ("01843", "Phường Phùng Chí Kiên"),
            ("01846", "Phường Huyền Tụng"),
            ("01849", "Xã Dương Quang"),
            ("01852", "Xã Nông Thượng"),
            ("01855", "Phường Xuất Hóa"),
        ],
    ),
    (
        "060",
        "60",
        "UBND huyện Pác Nặm",
        [
            ("01858", "Xã Bằng Thành"),
            ("01861", "Xã Nhạn Môn"),
            ("01864", "Xã Bộc Bố"),
            ("01867", "Xã Công Bằng"),
            ("01870", "Xã Giáo Hiệu"),
            ("01873", "Xã Xuân La"),
            ("01876", "Xã An Thắng"),
            ("01879", "Xã Cổ Linh"),
            ("01882", "Xã Nghiên Loan"),
            ("01885", "Xã Cao Tân"),
        ],
    ),
    (
        "061",
        "61",
        "UBND huyện Ba Bể",
        [
            ("01888", "Thị trấn Chợ Rã"),
            ("01891", "Xã Bành Trạch"),
            ("01894", "Xã Phúc Lộc"),
            ("01897", "Xã Hà Hiệu"),
            ("01900", "Xã Cao Thượng"),
            ("01906", "Xã Khang Ninh"),
            ("01909", "Xã Nam Mẫu"),
            ("01912", "Xã Thượng Giáo"),
            ("01915", "Xã Địa Linh"),
            ("01918", "Xã Yến Dương"),
            ("01921", "Xã Chu Hương"),
            ("01924", "Xã Quảng Khê"),
            ("01927", "Xã Mỹ Phương"),
            ("01930", "Xã Hoàng Trĩ"),
            ("01933", "Xã Đồng Phúc"),
        ],
    ),
    (
        "062",
        "62",
        "UBND huyện Ngân Sơn",
        [
            ("01936", "Thị trấn Nà Phặc"),
            ("01939", "Xã Thượng Ân"),
            ("01942", "Xã Bằng Vân"),
            ("01945", "Xã Cốc Đán"),
            ("01948", "Xã Trung Hoà"),
            ("01951", "Xã Đức Vân"),
            ("01954", "Xã Vân Tùng"),
            ("01957", "Xã Thượng Quan"),
            ("01960", "Xã Hiệp Lực"),
            ("01963", "Xã Thuần Mang"),
        ],
    ),
    (
        "063",
        "63",
        "UBND huyện Bạch Thông",
        [
            ("01969", "Thị trấn Phủ Thông"),
            ("01975", "Xã Vi Hương"),
            ("01978", "Xã Sĩ Bình"),
            ("01981", "Xã Vũ Muộn"),
            ("01984", "Xã Đôn Phong"),
            ("01990", "Xã Lục Bình"),
            ("01993", "Xã Tân Tú"),
            ("01999", "Xã Nguyên Phúc"),
            ("02002", "Xã Cao Sơn"),
            ("02005", "Xã Quân Hà"),
            ("02008", "Xã Cẩm Giàng"),
            ("02011", "Xã Mỹ Thanh"),
            ("02014", "Xã Dương Phong"),
            ("02017", "Xã Quang Thuận"),
        ],
    ),
    (
        "064",
        "64",
        "UBND huyện Chợ Đồn",
        [
            ("02020", "Thị trấn Bằng Lũng"),
            ("02023", "Xã Xuân Lạc"),
            ("02026", "Xã Nam Cường"),
            ("02029", "Xã Đồng Lạc"),
            ("02032", "Xã Tân Lập"),
            ("02035", "Xã Bản Thi"),
            ("02038", "Xã Quảng Bạch"),
            ("02041", "Xã Bằng Phúc"),
            ("02044", "Xã Yên Thịnh"),
            ("02047", "Xã Yên Thượng"),
            ("02050", "Xã Phương Viên"),
            ("02053", "Xã Ngọc Phái"),
            ("02059", "Xã Đồng Thắng"),
            ("02062", "Xã Lương Bằng"),
            ("02065", "Xã Bằng Lãng"),
            ("02068", "Xã Đại Sảo"),
            ("02071", "Xã Nghĩa Tá"),
            ("02077", "Xã Yên Mỹ"),
            ("02080", "Xã Bình Trung"),
            ("02083", "Xã Yên Phong"),
        ],
    ),
    (
        "065",
        "65",
        "UBND huyện Chợ Mới",
        [
            ("02086", "Thị trấn Đồng Tâm"),
            ("02089", "Xã Tân Sơn"),
            ("02092", "Xã Thanh Vận"),
            ("02095", "Xã Mai Lạp"),
            ("02098", "Xã Hoà Mục"),
            ("02101", "Xã Thanh Mai"),
            ("02104", "Xã Cao Kỳ"),
            ("02107", "Xã Nông Hạ"),
            ("02110", "Xã Yên Cư"),
            ("02113", "Xã Thanh Thịnh"),
            ("02116", "Xã Yên Hân"),
            ("02122", "Xã Như Cố"),
            ("02125", "Xã Bình Văn"),
            ("02131", "Xã Quảng Chu"),
        ],
    ),
    (
        "066",
        "66",
        "UBND huyện Na Rì",
        [
            ("02137", "Xã Văn Vũ"),
            ("02140", "Xã Văn Lang"),
            ("02143", "Xã Lương Thượng"),
            ("02146", "Xã Kim Hỷ"),
            ("02152", "Xã Cường Lợi"),
            ("02155", "Thị trấn Yến Lạc"),
            ("02158", "Xã Kim Lư"),
            ("02161", "Xã Sơn Thành"),
            ("02170", "Xã Văn Minh"),
            ("02173", "Xã Côn Minh"),
            ("02176", "Xã Cư Lễ"),
            ("02179", "Xã Trần Phú"),
            ("02185", "Xã Quang Phong"),
            ("02188", "Xã Dương Sơn"),
            ("02191", "Xã Xuân Dương"),
            ("02194", "Xã Đổng Xá"),
            ("02197", "Xã Liêm Thuỷ"),
        ],
    ),
]

# One password for every demo account (documented; demo only).
PASSWORD = "egov-demo-2020"

# Demo officers: username, full name, agency code, department code, roles, position.
# Administrators get a confirmed TOTP device with the fixed hex key below
# (``manage.py demo_otp <username>`` prints the current code).
OFFICERS = [
    (
        "tinh.quantri",
        "Nông Thị Hạnh",
        "000.00.00.H06",
        "",
        ["province_admin"],
        "Quản trị hệ thống cấp tỉnh",
    ),
    ("tinh.thanhtra", "Hoàng Văn Khánh", "000.00.00.H06", "", ["auditor"], "Thanh tra viên"),
    (
        "ttpvhcc.motcua",
        "Triệu Thị Mai",
        "000.01.01.H06",
        "tiep-nhan",
        ["desk_officer"],
        "Cán bộ tiếp nhận",
    ),
    ("stp.chuyenvien", "Lý Văn Đức", "000.00.03.H06", "hctp", ["specialist"], "Chuyên viên"),
    ("chomoi.motcua", "Hà Thị Thu", "000.00.65.H06", "mot-cua", ["desk_officer"], "Cán bộ một cửa"),
    ("chomoi.chuyenvien", "Ma Văn Tùng", "000.00.65.H06", "tn-mt", ["specialist"], "Chuyên viên"),
    (
        "chomoi.truongphong",
        "Lục Văn Bình",
        "000.00.65.H06",
        "tn-mt",
        ["department_head"],
        "Trưởng phòng Tài nguyên và Môi trường",
    ),
    (
        "chomoi.lanhdao",
        "Đàm Văn Cường",
        "000.00.65.H06",
        "",
        ["agency_leader"],
        "Phó Chủ tịch UBND huyện",
    ),
    ("chomoi.vanthu", "Bế Thị Hoa", "000.00.65.H06", "vp", ["clerk"], "Văn thư"),
    (
        "chomoi.quantri",
        "Dương Văn Long",
        "000.00.65.H06",
        "vp",
        ["agency_admin"],
        "Quản trị hệ thống cấp huyện",
    ),
    (
        "dongtam.motcua",
        "Hoàng Thị Nga",
        "000.01.65.H06",
        "mot-cua",
        ["desk_officer"],
        "Công chức Văn phòng - Thống kê",
    ),
]
TOTP_KEYS = {
    # 20-byte keys, hex as django-otp stores them: the ASCII of "egov-demo-tinh-2020!"
    # and "egov-demo-chomoi-20!". Public: demo only.
    "tinh.quantri": "65676f762d64656d6f2d74696e682d3230323021",
    "chomoi.quantri": "65676f762d64656d6f2d63686f6d6f692d323021",
}

# Citizens: username, full name, CCCD (12 digits: province of birth 006 = Bắc Kạn,
# century/sex digit, two-digit birth year, six digits), date of birth, address.
CITIZENS = [
    (
        "congdan.lan",
        "Hoàng Thị Lan",
        "006190012345",
        "1990-04-12",
        "Tổ 5, phường Đức Xuân, thành phố Bắc Kạn",
    ),
    (
        "congdan.minh",
        "Nông Văn Minh",
        "006085006789",
        "1985-09-02",
        "Thôn Nà Cà, thị trấn Đồng Tâm, huyện Chợ Mới",
    ),
]
